package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.lb.LoadBalancer;
import java.util.Optional;

/**
 * One service a sidecar can call: a balancer over its static endpoints (the direct path), one
 * over its live sidecars (the mesh path), and its {@code MeshMigration}, if it has one.
 *
 * @param namespace the service's namespace
 * @param name the service's name
 * @param direct the static {@code Service.spec.endpoints}
 * @param mesh the inbound endpoints of the service's live, ready sidecars
 * @param migration the service's migration switch, or null
 * @param spec the Service's spec (balancer, outlier detection, retry budget...), or null
 */
public record MeshService(String namespace, String name, LoadBalancer direct, LoadBalancer mesh,
    MeshMigration migration, Service.Spec spec) {

  /** A service without a spec: no resilience settings on its mesh path. */
  public MeshService(String namespace, String name, LoadBalancer direct, LoadBalancer mesh,
      MeshMigration migration) {
    this(namespace, name, direct, mesh, migration, null);
  }

  public MeshService {
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(direct, "direct");
    requireNonNull(mesh, "mesh");
  }

  /** The balancer of {@code path}. */
  public LoadBalancer balancer(TrafficPath path) {
    return path == TrafficPath.MESH ? mesh : direct;
  }

  /** The migration switch, if the service has one. */
  public Optional<MeshMigration> migrationSwitch() {
    return Optional.ofNullable(migration);
  }
}
