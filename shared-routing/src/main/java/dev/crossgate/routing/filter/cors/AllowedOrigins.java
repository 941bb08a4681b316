package dev.crossgate.routing.filter.cors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The origins a CORS policy allows: exact origins, {@code scheme://*.domain[:port]} wildcards
 * (one or more labels before the domain, same scheme and port), or {@code *} for any.
 */
public final class AllowedOrigins {

  private static final Pattern LABELS =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  private final boolean any;
  private final Set<String> exact = new HashSet<>();
  /** Wildcards as prefix {@code scheme://} and suffix {@code .domain[:port]}. */
  private final List<String[]> wildcards = new ArrayList<>();

  /** Compiles validated {@code allowOrigins} entries. */
  public AllowedOrigins(List<String> origins) {
    boolean star = false;
    for (String origin : origins) {
      String lower = origin.toLowerCase(Locale.ROOT);
      if (lower.equals("*")) {
        star = true;
      } else {
        int wildcard = lower.indexOf("://*.");
        if (wildcard >= 0) {
          wildcards.add(new String[] {lower.substring(0, wildcard + 3),
              lower.substring(wildcard + 4)});
        } else {
          exact.add(lower);
        }
      }
    }
    this.any = star;
  }

  /** Whether {@code *} was configured. */
  public boolean any() {
    return any;
  }

  /** Whether the request's {@code Origin} value is allowed. */
  public boolean allows(String origin) {
    if (any) {
      return true;
    }
    String lower = origin.toLowerCase(Locale.ROOT);
    if (exact.contains(lower)) {
      return true;
    }
    for (String[] wildcard : wildcards) {
      String prefix = wildcard[0];
      String suffix = wildcard[1];
      if (lower.startsWith(prefix) && lower.endsWith(suffix)
          && lower.length() > prefix.length() + suffix.length()) {
        String labels = lower.substring(prefix.length(), lower.length() - suffix.length());
        if (LABELS.matcher(labels).matches()) {
          return true;
        }
      }
    }
    return false;
  }
}
