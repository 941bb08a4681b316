package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Resource;

/**
 * Tells where a resource and its fields were written, so problems found after binding still name
 * the file and line. Bundles built in code use {@link #NONE}.
 */
public interface SourceLocator {

  /** A locator that knows nothing: no source, line 0. */
  SourceLocator NONE =
      new SourceLocator() {
        @Override
        public String source(Resource resource) {
          return null;
        }

        @Override
        public int line(Resource resource, String path) {
          return 0;
        }
      };

  /** The file or source name the resource was read from, or {@code null}. */
  String source(Resource resource);

  /**
   * The 1-based line of the field at {@code path} (e.g. {@code spec.rules[0].matches}), of its
   * nearest written ancestor when the field itself was not written, or 0 when unknown.
   */
  int line(Resource resource, String path);
}
