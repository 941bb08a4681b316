/** Global rate limits: counters in the engines' clustered Infinispan, leased to gateways over gRPC. */
package dev.crossgate.policy.server.ratelimit;
