package dev.crossgate.routing.ratelimit;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.Objects;

/** An IPv4 or IPv6 address block such as {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
public final class CidrBlock {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private CidrBlock(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses {@code address[/prefix]}.
   *
   * @throws IllegalArgumentException with what was wrong, for anything else
   */
  public static CidrBlock parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    byte[] bytes = parseAddress(address);
    if (bytes == null) {
      throw new IllegalArgumentException("CIDR " + cidr
          + ": address is not an IP literal (expected: e.g. 10.0.0.0/8 or fd00::/8)");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("CIDR " + cidr + ": prefix length (expected: 0 to "
            + bytes.length * 8 + ")");
      }
    }
    return new CidrBlock(bytes, prefix, cidr);
  }

  /**
   * The bytes of an IP literal (4 or 16; IPv4-mapped IPv6 addresses as 4), or null when
   * {@code address} is not one. Never resolves names.
   */
  static byte[] parseAddress(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes != null && bytes.length == 16 && isV4Mapped(bytes)) {
      return Arrays.copyOfRange(bytes, 12, 16);
    }
    return bytes;
  }

  private static boolean isV4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** Whether the address (bytes from {@link #parseAddress}) lies in this block. */
  boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
