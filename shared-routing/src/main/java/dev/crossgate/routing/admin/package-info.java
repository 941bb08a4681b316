/** The admin port: liveness, readiness, Prometheus metrics and the running configuration. */
package dev.crossgate.routing.admin;
