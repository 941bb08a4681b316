/** The inbound's traffic evidence: per-caller counts, authorization outcomes and latency, for /metrics and heartbeats. */
package dev.crossgate.sidecar.traffic;
