/** JUnit 5 helpers that start real loopback servers on port 0 for Crossgate tests. */
package dev.crossgate.testkit;
