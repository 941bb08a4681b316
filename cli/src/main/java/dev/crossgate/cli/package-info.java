/** The {@code crossgate} command: run a role, check configuration offline, or use the policy API. */
package dev.crossgate.cli;
