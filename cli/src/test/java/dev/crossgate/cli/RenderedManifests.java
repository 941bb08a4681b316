package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The {@code k8s/} kustomizations rendered by {@code kubectl kustomize}, as parsed documents. */
final class RenderedManifests {

  private static final YAMLMapper YAML = new YAMLMapper();

  private final Path directory;
  private final List<JsonNode> documents;

  private RenderedManifests(Path directory, List<JsonNode> documents) {
    this.directory = directory;
    this.documents = documents;
  }

  /** The repository root (where the {@code crossgate} launcher is). */
  static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("crossgate"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return here;
  }

  /** Every folder under {@code k8s/} with a {@code kustomization.yaml}. */
  static List<Path> kustomizations() throws IOException {
    try (Stream<Path> files = Files.walk(repositoryRoot().resolve("k8s"))) {
      return files.filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
          .map(Path::getParent).sorted().toList();
    }
  }

  /** Renders {@code directory} with {@code kubectl kustomize}. */
  static RenderedManifests render(Path directory) throws Exception {
    Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + err);
    }
    return new RenderedManifests(directory, parse(new String(out, StandardCharsets.UTF_8)));
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    }
    return documents;
  }

  Path directory() {
    return directory;
  }

  List<JsonNode> documents() {
    return documents;
  }

  List<JsonNode> ofKind(String kind) {
    return documents.stream().filter(doc -> doc.path("kind").asText().equals(kind)).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(doc -> doc.path("metadata").path("name").asText().equals(name)).findFirst();
  }

  /** The pod templates of every workload, with the workload itself. */
  List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (JsonNode doc : documents) {
      JsonNode template = switch (doc.path("kind").asText()) {
        case "Deployment", "StatefulSet", "DaemonSet", "Job" -> doc.path("spec").path("template");
        case "CronJob" -> doc.path("spec").path("jobTemplate").path("spec").path("template");
        case "Pod" -> doc;
        default -> null;
      };
      if (template != null) {
        workloads.add(new Workload(doc, template));
      }
    }
    return workloads;
  }

  /** A workload and its pod template. */
  record Workload(JsonNode document, JsonNode template) {

    String name() {
      return document.path("kind").asText() + " " + document.path("metadata").path("name")
          .asText();
    }

    JsonNode spec() {
      return template.path("spec");
    }

    /** Containers and init containers. */
    List<JsonNode> allContainers() {
      List<JsonNode> all = new ArrayList<>();
      spec().path("initContainers").forEach(all::add);
      spec().path("containers").forEach(all::add);
      return all;
    }

    JsonNode container(String name) {
      return allContainers().stream().filter(c -> c.path("name").asText().equals(name))
          .findFirst().orElseThrow(() -> new AssertionError(name() + ": no container " + name));
    }
  }

  /** The number of the container port called {@code name} (or the number itself). */
  static int port(JsonNode container, JsonNode portRef) {
    if (portRef.isInt()) {
      return portRef.asInt();
    }
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals(portRef.asText())) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError(container.path("name").asText() + ": no port named " + portRef);
  }

  static int namedPort(JsonNode container, String name) {
    return port(container, YAML.getNodeFactory().textNode(name));
  }
}
