/** The revisioned policy store: every accepted batch becomes a numbered revision, in memory or in Infinispan. */
package dev.crossgate.policy.server.store;
