/** Which TLS implementation the sidecar's mesh listeners and clients use (BoringSSL or the JDK). */
package dev.crossgate.sidecar.tls;
