package dev.crossgate.bench;

import dev.crossgate.waf.WafEngine;
import dev.crossgate.waf.engine.HttpRequestData;
import dev.crossgate.waf.engine.Transaction;
import dev.crossgate.waf.rule.RuleSetBuilder;
import dev.crossgate.waf.seclang.SecLangParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The WAF engine alone with OWASP CRS 4 at paranoia level 1 (crs-setup.conf.example defaults), per
 * request shape. CRS is read from {@code -Dcrossgate.crs} (default ../shared/corpora/crs-v4.28.0).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WafBenchmark {

  private WafEngine engine;
  private HttpRequestData get10;
  private HttpRequestData json10k;

  /** Compiles CRS once and prepares the two requests. */
  @Setup
  public void setup() {
    Path crs = Path.of(System.getProperty("crossgate.crs", "../shared/corpora/crs-v4.28.0"));
    RuleSetBuilder b = new RuleSetBuilder();
    new SecLangParser(b)
        .parse("""
            SecRuleEngine On
            SecRequestBodyAccess On
            SecRule REQUEST_HEADERS:Content-Type "^application/json" \\
                "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
            """, "<bench>", crs)
        .parseFile(setupFile(crs))
        .parse("SecAction \"id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=1,"
            + "setvar:tx.paranoia_level=1\"\n", "<bench>", crs)
        .include(crs.resolve("rules").resolve("*.conf"));
    engine = WafEngine.of(b.build());
    List<Map.Entry<String, String>> headers = List.of(Map.entry("Host", "example.com"),
        Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"), Map.entry("Accept", "text/html"));
    StringBuilder q = new StringBuilder("/shop/items?");
    for (int i = 0; i < 10; i++) {
      q.append(i == 0 ? "" : "&").append("param").append(i).append("=value").append(i);
    }
    get10 = new HttpRequestData("GET", q.toString(), "HTTP/1.1", headers, new byte[0], "10.0.0.7", 50000);
    StringBuilder json = new StringBuilder("{\"items\":[");
    int n = 0;
    while (json.length() < 10_000) {
      json.append(n == 0 ? "" : ",").append("{\"id\":").append(n).append(",\"name\":\"item number ").append(n)
          .append("\",\"tags\":[\"blue\",\"large\"],\"price\":").append(n * 3).append(".5}");
      n++;
    }
    json.append("]}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    json10k = new HttpRequestData("POST", "/api/orders", "HTTP/1.1", List.of(Map.entry("Host", "example.com"),
        Map.entry("User-Agent", "curl/8.5"), Map.entry("Content-Type", "application/json"),
        Map.entry("Content-Length", Integer.toString(body.length))), body, "10.0.0.7", 50000);
  }

  /** The CRS setup file: the folder's own, its example, or Debian's /etc/modsecurity/crs one. */
  static Path setupFile(Path crs) {
    for (Path candidate : List.of(crs.resolve("crs-setup.conf"),
        crs.resolve("crs-setup.conf.example"), Path.of("/etc/modsecurity/crs/crs-setup.conf"))) {
      if (java.nio.file.Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no crs-setup.conf for " + crs);
  }

  /** A benign GET with 10 query arguments. */
  @Benchmark
  public Object benignGet10Args() {
    Transaction tx = engine.newTransaction();
    tx.processRequest(get10);
    return tx.interruption();
  }

  /** A benign 10 KB JSON POST. */
  @Benchmark
  public Object json10kPost() {
    Transaction tx = engine.newTransaction();
    tx.processRequest(json10k);
    return tx.interruption();
  }
}
