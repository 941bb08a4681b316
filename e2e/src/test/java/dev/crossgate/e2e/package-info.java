/** End-to-end tests: Crossgate started as a user starts it, with real backends on loopback. */
package dev.crossgate.e2e;
