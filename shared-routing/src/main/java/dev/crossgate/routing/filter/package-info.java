/** The filter chain: each filter sees the request on the way in and the response on the way out. */
package dev.crossgate.routing.filter;
