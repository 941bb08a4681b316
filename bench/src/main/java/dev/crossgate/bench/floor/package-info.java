/** The stack floor: a bare Vert.x mTLS proxy pair that the sidecar bench measures beside the sidecars. */
package dev.crossgate.bench.floor;
