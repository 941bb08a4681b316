package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.TargetRef;
import java.util.List;
import java.util.Optional;

/** Checks policy attachments: each {@code targetRefs} entry names an existing resource. */
final class TargetRefRules {

  /** The kinds most policies attach to. */
  static final List<String> ROUTABLE_KINDS = AllowedValues.of(TargetRef.class, "kind");

  private static final List<String> GROUPS = AllowedValues.of(TargetRef.class, "group");

  private TargetRefRules() {}

  /** Checks {@code spec.targetRefs}: at least one, each of {@code kinds} and existing. */
  static void check(
      FieldChecks checks, List<TargetRef> refs, List<String> kinds, BundleIndex index) {
    Resource owner = checks.resource();
    String namespace = owner.metadata().namespace();
    if (refs.isEmpty()) {
      checks.expected(
          "spec.targetRefs", refs, "at least one target (" + String.join(", ", kinds) + ")");
    }
    for (int i = 0; i < refs.size(); i++) {
      TargetRef ref = refs.get(i);
      String path = "spec.targetRefs[" + i + "]";
      if (ref == null) {
        checks.expected(path, null, "a target reference");
        continue;
      }
      checks.oneOf(path + ".group", ref.group(), GROUPS);
      if (ref.kind() == null || !kinds.contains(ref.kind())) {
        checks.expected(
            path + ".kind",
            ref.kind(),
            "one of " + String.join(", ", kinds) + NameSuggestions.hint(ref.kind(), kinds));
        continue;
      }
      if (!checks.required(path + ".name", ref.name(), "the name of a " + ref.kind())) {
        continue;
      }
      Optional<Resource> target = index.find(ref.kind(), namespace, ref.name());
      if (target.isEmpty()) {
        checks.expected(
            path + ".name",
            ref.name(),
            "an existing "
                + ref.kind()
                + " in namespace "
                + namespace
                + "; known: "
                + index.namesOf(ref.kind(), namespace));
        continue;
      }
      if (ref.sectionName() != null) {
        if (!(target.get() instanceof Gateway gateway)) {
          checks.problems()
              .add(owner, path + ".sectionName", "set (expected: only for kind Gateway)");
        } else {
          List<String> listeners = BundleIndex.listenerNames(gateway);
          if (!listeners.contains(ref.sectionName())) {
            checks.expected(
                path + ".sectionName",
                ref.sectionName(),
                "a listener of Gateway "
                    + gateway.metadata().qualifiedName()
                    + "; known: "
                    + (listeners.isEmpty() ? "none" : String.join(", ", listeners))
                    + NameSuggestions.hint(ref.sectionName(), listeners));
          }
        }
      }
    }
  }
}
