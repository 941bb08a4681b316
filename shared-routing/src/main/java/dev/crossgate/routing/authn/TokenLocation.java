package dev.crossgate.routing.authn;

import java.util.Objects;

/**
 * Where a token may be: a header (with a prefix to strip), a query parameter, or a cookie.
 *
 * @param kind header, query parameter or cookie
 * @param name the header, parameter or cookie name
 * @param prefix for headers: the prefix before the token (e.g. {@code "Bearer "}); empty for none
 */
public record TokenLocation(Kind kind, String name, String prefix) {

  /** {@code Authorization: Bearer <token>}. */
  public static final TokenLocation DEFAULT = header("authorization", "Bearer ");

  /** The kinds of location. */
  public enum Kind { HEADER, QUERY, COOKIE }

  public TokenLocation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    prefix = prefix == null ? "" : prefix;
  }

  /** A header location. */
  public static TokenLocation header(String name, String prefix) {
    return new TokenLocation(Kind.HEADER, name, prefix);
  }

  /** A query-parameter location. */
  public static TokenLocation query(String name) {
    return new TokenLocation(Kind.QUERY, name, "");
  }

  /** A cookie location. */
  public static TokenLocation cookie(String name) {
    return new TokenLocation(Kind.COOKIE, name, "");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case HEADER -> "header " + name;
      case QUERY -> "query parameter " + name;
      case COOKIE -> "cookie " + name;
    };
  }
}
