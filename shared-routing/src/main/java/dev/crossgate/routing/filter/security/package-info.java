/** The opt-in {@code SecurityHeaders} filter: hardening response headers the backend lacks. */
package dev.crossgate.routing.filter.security;
