/** Failure reasons and the one place that turns them into problem+json responses. */
package dev.crossgate.routing.error;
