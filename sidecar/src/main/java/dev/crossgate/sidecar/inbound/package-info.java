/** What the sidecar's inbound port does with a request: its service's migration stage, mTLS mode and authorization. */
package dev.crossgate.sidecar.inbound;
