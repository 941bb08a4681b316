/** Proxy metrics on a Micrometer registry, exposed in Prometheus format by the admin server. */
package dev.crossgate.routing.metrics;
