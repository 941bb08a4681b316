package dev.crossgate.routing.authz;

import io.netty.util.NetUtil;
import java.util.List;

/** An IPv4 or IPv6 CIDR block (or one address), parsed without DNS. */
final class IpBlock {

  private final byte[] network;
  private final int prefix;

  private IpBlock(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a bare address. */
  static IpBlock parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException("ipBlock: " + text + " (expected an IP address or CIDR)");
    }
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("ipBlock: " + text + " (prefix length out of range)");
    }
    return new IpBlock(bytes, prefix);
  }

  static List<IpBlock> all(List<String> texts) {
    return texts.stream().map(IpBlock::parse).toList();
  }

  boolean contains(String address) {
    if (address == null) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null || bytes.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (bytes[full] & mask) == (network[full] & mask);
  }

  static boolean any(List<IpBlock> blocks, String address) {
    for (IpBlock block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
