/** Opaque TCP proxying: a listener whose bytes go unchanged to one backend endpoint. */
package dev.crossgate.routing.tcp;
