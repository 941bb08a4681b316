/** Rate limits: GCRA buckets per key with bounded memory, key extraction and the 429 filter. */
package dev.crossgate.routing.ratelimit;
