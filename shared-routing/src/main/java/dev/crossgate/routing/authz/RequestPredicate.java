package dev.crossgate.routing.authz;

/** One compiled test of a request: a source, an operation, a {@code when} or a subject. */
@FunctionalInterface
interface RequestPredicate {
  boolean test(AuthzRequest request);
}
