/** The sidecar's listeners: inbound (mTLS, to the app) and outbound (from the app, to peers). */
package dev.crossgate.sidecar.proxy;
