/** The sidecar's mesh identity: its key pair, CSR, certificate from the engine, and renewal. */
package dev.crossgate.sidecar.identity;
