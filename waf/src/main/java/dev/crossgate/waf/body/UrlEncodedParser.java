package dev.crossgate.waf.body;

import dev.crossgate.waf.transform.UrlCodec;
import java.util.function.BiConsumer;

/** Splits {@code a=1&b=2} into decoded name/value pairs. */
public final class UrlEncodedParser {

  private UrlEncodedParser() {
  }

  /**
   * Parses the text; calls {@code sink} per argument (at most {@code limit}).
   *
   * @return true when some '%' escape was invalid
   */
  public static boolean parse(String text, int limit, BiConsumer<String, String> sink) {
    boolean invalid = false;
    int count = 0;
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      if (count++ >= limit) {
        break;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      sink.accept(UrlCodec.decode(name, false), UrlCodec.decode(value, false));
    }
    return invalid;
  }
}
