package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.MeshMigration.Stage;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Checks {@code MeshMigration}s: the service exists, the stage and weight agree, one per service. */
final class MeshMigrationRules {

  private MeshMigrationRules() {}

  static void check(PolicyBundle bundle, BundleIndex index, ProblemList problems) {
    Map<String, MeshMigration> byService = new HashMap<>();
    for (MeshMigration migration : bundle.ofKind(MeshMigration.class)) {
      if (migration.metadata() == null) {
        continue;
      }
      FieldChecks checks = new FieldChecks(migration, problems);
      MeshMigration.Spec spec = migration.spec();
      if (spec == null) {
        checks.expected("spec", null, "a mapping with service and stage");
        continue;
      }
      String name = spec.service() == null ? null : spec.service().name();
      String namespace = migration.serviceNamespace();
      if (checks.required("spec.service.name", name, "the name of a Service")) {
        if (index.service(namespace, name).isEmpty()) {
          checks.expected(
              "spec.service.name",
              name,
              "an existing Service in namespace " + namespace + "; known: " + index.serviceNames(namespace));
        }
        String key = namespace + "/" + name;
        MeshMigration first = byService.putIfAbsent(key, migration);
        if (first != null) {
          String where = problems.locate(first, "spec.service.name");
          checks.expected(
              "spec.service.name",
              name,
              "one MeshMigration per service; "
                  + ProblemList.refOf(first)
                  + (where == null ? "" : " (" + where + ")")
                  + " already migrates "
                  + Service.KIND
                  + " "
                  + key);
        }
      }
      Optional<Stage> stage = migration.stage();
      if (stage.isEmpty()) {
        checks.oneOf("spec.stage", spec.stage(), MeshMigration.Spec.class, "stage");
        continue;
      }
      Integer weight = spec.meshWeight();
      checks.range("spec.meshWeight", weight, 0, 100);
      if (weight != null && weight > 0 && !stage.get().atLeast(Stage.permissive)) {
        checks.expected(
            "spec.meshWeight",
            weight,
            "0 in stage " + stage.get() + "; traffic moves to the mesh from stage permissive on");
      } else if (weight != null && weight < 100 && stage.get() == Stage.strict) {
        checks.expected(
            "spec.meshWeight", weight, "100 in stage strict, which refuses plaintext callers");
      }
    }
  }
}
