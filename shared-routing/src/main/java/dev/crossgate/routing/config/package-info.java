/** Compiling a policy bundle into an immutable routing configuration, and swapping it live. */
package dev.crossgate.routing.config;
