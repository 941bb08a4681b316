package dev.crossgate.policy.distribution;

import dev.crossgate.policy.distribution.v1.ResourcePart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The resource lists of delta snapshots: a snapshot's resources as parts over a base (runs copied
 * from the base, new resources in full), and the JSON array text they join into. Both ends use
 * it, so a node rebuilds exactly the text the engine hashed.
 */
public final class SnapshotDeltas {

  private SnapshotDeltas() {}

  /**
   * The parts that turn {@code base} into {@code resources}: each resource found in the base
   * (same JSON text) is copied from it, in runs; the rest are sent in full.
   *
   * @param base the base's resources, or an empty list for "no base" (every part is new)
   */
  public static List<ResourcePart> parts(List<String> resources, List<String> base) {
    Map<String, Integer> index = new HashMap<>(base.size() * 2);
    for (int i = 0; i < base.size(); i++) {
      index.putIfAbsent(base.get(i), i);
    }
    List<ResourcePart> parts = new ArrayList<>();
    int runFrom = -1;
    int runCount = 0;
    for (String resource : resources) {
      Integer at = index.get(resource);
      if (at != null && runCount > 0 && at == runFrom + runCount) {
        runCount++;
        continue;
      }
      if (runCount > 0) {
        parts.add(copy(runFrom, runCount));
        runCount = 0;
      }
      if (at != null) {
        runFrom = at;
        runCount = 1;
      } else {
        parts.add(ResourcePart.newBuilder().setResourceJson(resource).build());
      }
    }
    if (runCount > 0) {
      parts.add(copy(runFrom, runCount));
    }
    return parts;
  }

  /**
   * The resources {@code parts} stand for over {@code base}.
   *
   * @throws IllegalArgumentException when a part copies past the end of the base
   */
  public static List<String> apply(List<ResourcePart> parts, List<String> base) {
    List<String> resources = new ArrayList<>(base.size() + 8);
    for (ResourcePart part : parts) {
      if (part.getCopyCount() > 0) {
        int from = part.getCopyFrom();
        int to = from + part.getCopyCount();
        if (from < 0 || to > base.size() || to < from) {
          throw new IllegalArgumentException("delta part copies base resources [" + from + ", "
              + to + ") (expected: within the base's " + base.size() + ")");
        }
        resources.addAll(base.subList(from, to));
      } else {
        resources.add(part.getResourceJson());
      }
    }
    return resources;
  }

  /** The JSON array text of {@code resources}: {@code [r1,r2,...]}, nothing in between. */
  public static String join(List<String> resources) {
    int length = 2 + Math.max(0, resources.size() - 1);
    for (String resource : resources) {
      length += resource.length();
    }
    StringBuilder out = new StringBuilder(length).append('[');
    for (int i = 0; i < resources.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(resources.get(i));
    }
    return out.append(']').toString();
  }

  /** A resource's own hash: SHA-256 of its JSON text (UTF-8), first 16 bytes. */
  public static byte[] resourceHash(String resourceJson) {
    return Arrays.copyOf(sha256().digest(resourceJson.getBytes(StandardCharsets.UTF_8)), 16);
  }

  /**
   * The digest of a resource list by its resources' own hashes ({@link #resourceHash}), in order:
   * hex SHA-256 of their concatenation, first 16 bytes. Changes when any resource, their order
   * or their number changes, and costs 16 bytes of hashing per resource whatever their size.
   */
  public static String digest(List<byte[]> resourceHashes) {
    MessageDigest digest = sha256();
    for (byte[] hash : resourceHashes) {
      digest.update(hash);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }

  /**
   * The own hashes of the resources {@code parts} stand for over a base whose resources hashed
   * {@code baseHashes}: copied runs reuse the base's, new resources are hashed.
   *
   * @throws IllegalArgumentException when a part copies past the end of the base
   */
  public static List<byte[]> applyHashes(List<ResourcePart> parts, List<byte[]> baseHashes) {
    List<byte[]> hashes = new ArrayList<>(baseHashes.size() + 8);
    for (ResourcePart part : parts) {
      if (part.getCopyCount() > 0) {
        int from = part.getCopyFrom();
        int to = from + part.getCopyCount();
        if (from < 0 || to > baseHashes.size() || to < from) {
          throw new IllegalArgumentException("delta part copies base resources [" + from + ", "
              + to + ") (expected: within the base's " + baseHashes.size() + ")");
        }
        hashes.addAll(baseHashes.subList(from, to));
      } else {
        hashes.add(resourceHash(part.getResourceJson()));
      }
    }
    return hashes;
  }

  /** One digest per thread: looking SHA-256 up costs more than hashing one small resource. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  });

  /** This thread's SHA-256, reset. */
  private static MessageDigest sha256() {
    MessageDigest digest = SHA_256.get();
    digest.reset();
    return digest;
  }

  private static ResourcePart copy(int from, int count) {
    return ResourcePart.newBuilder().setCopyFrom(from).setCopyCount(count).build();
  }
}
