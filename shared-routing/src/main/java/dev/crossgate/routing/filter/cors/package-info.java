/** The Gateway API {@code CORS} filter: preflights answered locally, Access-Control-* headers. */
package dev.crossgate.routing.filter.cors;
