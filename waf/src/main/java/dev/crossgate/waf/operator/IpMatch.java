package dev.crossgate.waf.operator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** @ipMatch: IPv4/IPv6 addresses and CIDR ranges. */
final class IpMatch implements Operator {

  private record Net(byte[] addr, int bits) {
  }

  private final List<Net> nets = new ArrayList<>();

  IpMatch(List<String> specs) {
    for (String s : specs) {
      String t = s.trim();
      if (t.isEmpty()) {
        continue;
      }
      int slash = t.indexOf('/');
      byte[] a = parse(slash < 0 ? t : t.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("not an IP address or CIDR range: " + t);
      }
      int bits = slash < 0 ? a.length * 8 : Integer.parseInt(t.substring(slash + 1));
      nets.add(new Net(a, bits));
    }
  }

  private static byte[] parse(String s) {
    if (!s.matches("[0-9a-fA-F:.]+")) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public boolean evaluate(OperatorContext ctx, String v) {
    byte[] a = parse(v.trim());
    if (a == null) {
      return false;
    }
    for (Net n : nets) {
      if (n.addr.length != a.length) {
        continue;
      }
      int full = n.bits / 8;
      int rest = n.bits % 8;
      boolean ok = true;
      for (int i = 0; i < full && ok; i++) {
        ok = a[i] == n.addr[i];
      }
      if (ok && rest > 0) {
        int mask = (0xff << (8 - rest)) & 0xff;
        ok = (a[full] & mask) == (n.addr[full] & mask);
      }
      if (ok) {
        return true;
      }
    }
    return false;
  }
}
