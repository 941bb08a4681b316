/** The reverse proxy: route a request, run its filters, pick an endpoint, stream both ways. */
package dev.crossgate.routing.proxy;
