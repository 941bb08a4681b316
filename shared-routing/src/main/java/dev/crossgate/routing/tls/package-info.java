/** TLS for listeners and upstreams: PEM reading, SNI certificate choice, Vert.x options, reload. */
package dev.crossgate.routing.tls;
