/** Configuration from the policy engine: the snapshot subscription and the last-known-good file. */
package dev.crossgate.routing.control;
