/** Distribution: scoped snapshots streamed to every data plane, and who has applied what. */
package dev.crossgate.policy.server.distribution;
