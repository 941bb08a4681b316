package dev.crossgate.sidecar.traffic;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How callers are named in the evidence: an mTLS caller by its verified SPIFFE id, a plaintext
 * caller by the class of its address ({@code plaintext/loopback}, {@code plaintext/private},
 * {@code plaintext/link-local}, {@code plaintext/public}), so the number of names stays small.
 */
public final class CallerNames {

  /** The prefix of plaintext callers' names. */
  public static final String PLAINTEXT = "plaintext/";

  private CallerNames() {}

  /** The name of a caller: its SPIFFE id for mTLS, else its address class. */
  public static String of(String spiffeId, String address) {
    if (spiffeId != null) {
      return spiffeId;
    }
    return PLAINTEXT + addressClass(address);
  }

  /** {@code loopback}, {@code private}, {@code link-local}, {@code public} or {@code unknown}. */
  public static String addressClass(String address) {
    if (address == null || address.isEmpty() || !isIpLiteral(address)) {
      return "unknown";
    }
    try {
      InetAddress ip = InetAddress.getByName(address); // an IP literal: no lookup
      byte[] bytes = ip.getAddress();
      if (ip.isLoopbackAddress()) {
        return "loopback";
      }
      if (ip.isLinkLocalAddress()) {
        return "link-local";
      }
      if (ip.isSiteLocalAddress() || (bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc)
          || (bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64)) {
        return "private"; // RFC 1918, IPv6 ULA fc00::/7, carrier-grade NAT 100.64/10
      }
      return "public";
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  private static boolean isIpLiteral(String address) {
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      boolean ok = Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%'
          || (c == '[' || c == ']');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
