/** The Gateway API URLRewrite filter and the path modifier it shares with redirects. */
package dev.crossgate.routing.filter.rewrite;
