/** The Gateway API RequestRedirect filter. */
package dev.crossgate.routing.filter.redirect;
