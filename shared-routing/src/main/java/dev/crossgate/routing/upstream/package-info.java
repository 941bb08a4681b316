/** Backends, their pooled upstream connections, and header hygiene between client and backend. */
package dev.crossgate.routing.upstream;
