/** The runnable policy engine: the store and the REST API started together. */
package dev.crossgate.policy.server;
