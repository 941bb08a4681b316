/** The active health check a sidecar runs against its own app, for its Service's endpoint set. */
package dev.crossgate.sidecar.health;
