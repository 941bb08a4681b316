package dev.crossgate.routing.filter;

/**
 * Who is calling, as far as the filters before the current one established it: the principal
 * and the verified JWT claims. Authentication sets it on the {@link ProxyExchange}; later
 * filters (rate limits keyed by claim or principal) only read it.
 */
public interface CallerIdentity {

  /** A caller nobody authenticated: no principal and no claims. */
  CallerIdentity ANONYMOUS = new CallerIdentity() {
    @Override
    public String principal() {
      return null;
    }

    @Override
    public String claim(String name) {
      return null;
    }
  };

  /** The authenticated principal (JWT {@code iss/sub} or mesh SPIFFE id), or null. */
  String principal();

  /**
   * A verified claim as a string (a string claim as is, a number or boolean in its JSON form),
   * or null when absent or not a scalar.
   */
  String claim(String name);
}
