package dev.crossgate.sidecar.outbound;

import java.util.ArrayList;
import java.util.List;

/**
 * The host names an app uses to call a Service through its sidecar: {@code <name>} (from the
 * same namespace), {@code <name>.<namespace>}, {@code <name>.<namespace>.svc} and
 * {@code <name>.<namespace>.svc.cluster.local}.
 */
public final class MeshNames {

  private MeshNames() {}

  /** The names of {@code namespace/name} for a caller in {@code callerNamespace}. */
  public static List<String> of(String namespace, String name, String callerNamespace) {
    List<String> names = new ArrayList<>(4);
    if (namespace.equals(callerNamespace)) {
      names.add(name);
    }
    names.add(name + "." + namespace);
    names.add(name + "." + namespace + ".svc");
    names.add(name + "." + namespace + ".svc.cluster.local");
    return names;
  }
}
