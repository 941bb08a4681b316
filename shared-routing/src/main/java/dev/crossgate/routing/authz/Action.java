package dev.crossgate.routing.authz;

/** What a matching policy does. */
public enum Action {
  /** Allows the request; once any ALLOW policy targets a request, one of them must match. */
  ALLOW,
  /** Denies the request; evaluated before ALLOW. */
  DENY,
  /** Records the match in the access log; never changes the outcome. */
  AUDIT
}
