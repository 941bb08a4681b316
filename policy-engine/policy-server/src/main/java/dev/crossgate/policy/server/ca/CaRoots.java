package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mesh CA's roots and where a rotation stands, as one immutable value kept in the engine's
 * store: exactly one {@link RootState#SIGNING} root, at most one {@link RootState#INCOMING} or
 * {@link RootState#OUTGOING} one, and a short history of retired ones. Each change has a higher
 * {@link #version()}.
 *
 * <p>A rotation walks: {@code stable} → {@code propagating} (new root trusted, old one signs) →
 * {@code reissuing} (new root signs, old one still trusted) → {@code stable} (old root retired).
 *
 * @param version increases with every change
 * @param roots every root, newest first
 */
public record CaRoots(long version, List<TrustedRoot> roots) {

  /** Retired roots kept in the history. */
  static final int HISTORY = 5;

  public CaRoots {
    roots = List.copyOf(roots);
    long signing = roots.stream().filter(r -> r.state() == RootState.SIGNING).count();
    if (signing != 1) {
      throw new IllegalArgumentException("mesh CA roots: " + signing
          + " signing roots (expected: exactly one)");
    }
  }

  /** One signing root and nothing else. */
  public static CaRoots of(RootCa root, Instant now) {
    return new CaRoots(1, List.of(new TrustedRoot(root, RootState.SIGNING, now)));
  }

  /** Where a rotation stands: {@code stable}, {@code propagating} or {@code reissuing}. */
  public String phase() {
    if (find(RootState.INCOMING).isPresent()) {
      return "propagating";
    }
    return find(RootState.OUTGOING).isPresent() ? "reissuing" : "stable";
  }

  /** The root that signs new certificates. */
  public TrustedRoot signing() {
    return find(RootState.SIGNING).orElseThrow();
  }

  /** A root in {@code state}, if one is. */
  public Optional<TrustedRoot> find(RootState state) {
    return roots.stream().filter(r -> r.state() == state).findFirst();
  }

  /** Every root nodes trust now (all but the retired), newest first. */
  public List<TrustedRoot> trusted() {
    return roots.stream().filter(r -> r.state() != RootState.RETIRED).toList();
  }

  /** The trusted roots' certificates. */
  public List<X509Certificate> trustedCertificates() {
    return trusted().stream().map(r -> r.root().certificate()).toList();
  }

  /** Starts a rotation: {@code next} becomes trusted, the signing root keeps signing. */
  CaRoots withIncoming(RootCa next, Instant now) {
    requireNonNull(next, "next");
    if (!phase().equals("stable")) {
      throw new IllegalStateException("a root rotation is already " + phase()
          + " (expected: wait until it finishes; GET /api/v1/ca shows where it is)");
    }
    if (Pem.sha256(next.certificate()).equals(signing().sha256())) {
      throw new IllegalArgumentException("root certificate: the one already signing "
          + "(expected: a different root)");
    }
    List<TrustedRoot> updated = new ArrayList<>();
    updated.add(new TrustedRoot(next, RootState.INCOMING, now));
    updated.addAll(roots);
    return new CaRoots(version + 1, updated);
  }

  /** The incoming root starts signing; the signing one becomes outgoing. */
  CaRoots promote(Instant now) {
    return new CaRoots(version + 1, roots.stream().map(r -> switch (r.state()) {
      case INCOMING -> r.to(RootState.SIGNING, now);
      case SIGNING -> r.to(RootState.OUTGOING, now);
      default -> r;
    }).toList());
  }

  /** The outgoing root leaves the trust bundle; only the last {@value #HISTORY} retired stay. */
  CaRoots retire(Instant now) {
    List<TrustedRoot> next = new ArrayList<>();
    int retired = 0;
    for (TrustedRoot r : roots) {
      TrustedRoot moved = r.state() == RootState.OUTGOING ? r.to(RootState.RETIRED, now) : r;
      if (moved.state() == RootState.RETIRED && ++retired > HISTORY) {
        continue;
      }
      next.add(moved);
    }
    return new CaRoots(version + 1, next);
  }

  /** For the engine's own store only: it holds the private keys. */
  String toStoredJson() {
    JsonArray list = new JsonArray();
    roots.forEach(r -> list.add(new JsonObject().put("state", r.state().name())
        .put("since", r.since().toString()).put("pem", r.root().toPem())));
    return new JsonObject().put("version", version).put("roots", list).encode();
  }

  /** Reads what {@link #toStoredJson()} wrote. Parses keys: call it on a worker thread. */
  static CaRoots parseStored(String json) {
    JsonObject stored = new JsonObject(json);
    List<TrustedRoot> roots = new ArrayList<>();
    for (Object entry : stored.getJsonArray("roots")) {
      JsonObject root = (JsonObject) entry;
      roots.add(new TrustedRoot(RootCa.parseStored(root.getString("pem")),
          RootState.valueOf(root.getString("state")), Instant.parse(root.getString("since"))));
    }
    return new CaRoots(stored.getLong("version"), roots);
  }

  @Override
  public String toString() {
    return "CaRoots[v" + version + ", " + phase() + ", " + roots + "]";
  }
}
