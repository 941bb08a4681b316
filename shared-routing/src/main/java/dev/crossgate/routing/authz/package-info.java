/** Authorization: RBAC roles and ABAC policies compiled into one engine for gateway and sidecar. */
package dev.crossgate.routing.authz;
