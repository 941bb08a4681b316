/** What a sidecar keeps on disk to start without the engine: its last-known-good snapshot and certificate. */
package dev.crossgate.sidecar.state;
