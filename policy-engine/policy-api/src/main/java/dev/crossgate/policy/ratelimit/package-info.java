/** The global rate-limit lease protocol ({@code crossgate.v1.GlobalRateLimit}) and its client. */
package dev.crossgate.policy.ratelimit;
