package dev.crossgate.waf.operator;

/** @validateByteRange: matches when any byte falls outside the allowed ranges. */
final class ByteRange implements Operator {

  private final boolean[] allowed = new boolean[256];

  ByteRange(String spec) {
    for (String part : spec.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      int dash = t.indexOf('-');
      int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
      int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1).trim());
      if (lo < 0 || hi > 255 || lo > hi) {
        throw new IllegalArgumentException("byte range out of 0-255: " + t);
      }
      for (int b = lo; b <= hi; b++) {
        allowed[b] = true;
      }
    }
  }

  @Override
  public boolean evaluate(OperatorContext ctx, String v) {
    for (int i = 0; i < v.length(); i++) {
      if (!allowed[v.charAt(i) & 0xff]) {
        return true;
      }
    }
    return false;
  }
}
