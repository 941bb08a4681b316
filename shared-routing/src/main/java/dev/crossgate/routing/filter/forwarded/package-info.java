/** The X-Forwarded-For, -Proto and -Host headers a reverse proxy adds. */
package dev.crossgate.routing.filter.forwarded;
