/** The distribution protocol's client: a data plane's stream of snapshots from the policy engine. */
package dev.crossgate.policy.distribution;
