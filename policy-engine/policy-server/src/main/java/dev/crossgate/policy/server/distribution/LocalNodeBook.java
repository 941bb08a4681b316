package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The node status of a single engine: its own streams only. */
final class LocalNodeBook implements NodeBook {

  private final Map<String, NodeRecord> records = new ConcurrentHashMap<>();

  @Override
  public void put(String streamKey, NodeRecord record) {
    records.put(streamKey, record);
  }

  @Override
  public void remove(String streamKey) {
    records.remove(streamKey);
  }

  @Override
  public Collection<NodeRecord> all() {
    return List.copyOf(records.values());
  }

  @Override
  public void shareKept(List<Remembered> kept, long untilMillis) {
    // No other engine to share with.
  }

  @Override
  public KeptEndpoints keptByOthers(long nowMillis) {
    return KeptEndpoints.NONE;
  }

  @Override
  public boolean othersPresent() {
    return false;
  }

  @Override
  public String engine() {
    return "local";
  }

  @Override
  public void onChange(Runnable listener) {
    // No other engine.
  }

  @Override
  public void close() {
    records.clear();
  }
}
