/** The sidecar's outbound traffic through the shared routing core: mesh routes, paths, resilience. */
package dev.crossgate.sidecar.outbound;
