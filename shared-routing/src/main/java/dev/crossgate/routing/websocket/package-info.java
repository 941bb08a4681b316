/** Proxied WebSockets: two legs joined frame by frame, with close codes and an idle timeout. */
package dev.crossgate.routing.websocket;
