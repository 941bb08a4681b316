package dev.crossgate.policy.codec;

import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.SourceLocator;
import java.util.IdentityHashMap;
import java.util.Map;

/** Locates resources and their fields in the documents they were bound from. */
final class DocumentLocator implements SourceLocator {

  private final Map<Resource, SourceDocument> documents = new IdentityHashMap<>();

  void put(Resource resource, SourceDocument document) {
    documents.put(resource, document);
  }

  @Override
  public String source(Resource resource) {
    SourceDocument document = documents.get(resource);
    return document == null ? null : document.source();
  }

  @Override
  public int line(Resource resource, String path) {
    SourceDocument document = documents.get(resource);
    return document == null ? 0 : document.lineOf(path);
  }
}
