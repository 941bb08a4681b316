/** The {@code crossgate} command: run a role, or check configuration offline. */
package dev.crossgate.cli;
