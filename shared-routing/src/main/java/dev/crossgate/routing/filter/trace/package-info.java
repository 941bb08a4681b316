/** W3C trace-context propagation and request ids. */
package dev.crossgate.routing.filter.trace;
