package dev.crossgate.policy.validation;

import java.util.regex.Pattern;

/** Syntax checks for the names that appear in policy: DNS names, hostnames, header tokens, IPs. */
final class NameSyntax {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private NameSyntax() {}

  /** A DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. */
  static boolean isDnsLabel(String s) {
    return s != null && s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  /** A DNS-1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 characters. */
  static boolean isDnsSubdomain(String s) {
    if (s == null || s.length() > 253 || !DNS_SUBDOMAIN.matcher(s).matches()) {
      return false;
    }
    for (String label : s.split("\\.")) {
      if (label.length() > 63) {
        return false;
      }
    }
    return true;
  }

  /** A DNS host name (case-insensitive), without wildcard or port. */
  static boolean isHostname(String s) {
    if (s == null || s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (label.length() > 63 || !HOST_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return !IPV4.matcher(s).matches();
  }

  /** A host name, or a {@code *.} wildcard followed by a host name. */
  static boolean isHostnameOrWildcard(String s) {
    return s != null && (s.startsWith("*.") ? isHostname(s.substring(2)) : isHostname(s));
  }

  /** An HTTP token (RFC 9110), as used for header names. */
  static boolean isToken(String s) {
    return s != null && TOKEN.matcher(s).matches();
  }

  /** An IPv4 or IPv6 literal (IPv6 checked loosely, without brackets). */
  static boolean isIpAddress(String s) {
    if (s == null) {
      return false;
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    return s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches() && ipv6GroupsValid(s);
  }

  /** An IPv4 or IPv6 address, or a CIDR block {@code address/prefix} with a prefix in range. */
  static boolean isCidrOrAddress(String s) {
    if (s == null) {
      return false;
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      return isIpAddress(s);
    }
    String address = s.substring(0, slash);
    String prefix = s.substring(slash + 1);
    if (!isIpAddress(address) || prefix.isEmpty() || prefix.length() > 3
        || !prefix.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int bits = Integer.parseInt(prefix);
    return bits <= (address.indexOf(':') >= 0 ? 128 : 32);
  }

  private static boolean ipv6GroupsValid(String s) {
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String group = groups[i];
      if (group.isEmpty()) {
        continue;
      }
      if (group.contains(".")) {
        if (i != groups.length - 1 || !IPV4.matcher(group).matches()) {
          return false;
        }
        count += 2;
      } else if (group.length() > 4 || group.contains(".")) {
        return false;
      } else {
        count++;
      }
    }
    return doubleColon >= 0 ? count < 8 : count == 8;
  }
}
