/** Mesh workload identity shared by sidecar and gateway: certificates from the engine's CA, renewal, SPIFFE peer checks. */
package dev.crossgate.routing.mesh;
