package dev.archway.api.yaml;

import dev.archway.api.snapshot.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads multi-document YAML (or JSON) manifests from files and directories.
 *
 * <p>Directories are read recursively, files ending in {@code .yaml}, {@code .yml} or {@code
 * .json}, in path order. A {@code kind: List} document contributes its items. Documents of kinds
 * Archway does not read are skipped with a warning. Defaults the API server would apply are applied
 * here: a namespaced resource without a namespace goes to {@code default}, and a missing {@code
 * metadata.generation} is 1, so that statuses can report an observedGeneration.
 */
public final class ManifestLoader {
  private static final ObjectMapper YAML =
      YAMLMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final ObjectMapper MODEL =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

  private ManifestLoader() {}

  /** Loads every manifest under the given files and directories. */
  public static LoadResult load(List<Path> paths) {
    List<String> warnings = new ArrayList<>();
    ResourceSnapshot.Builder snapshot = ResourceSnapshot.builder();
    for (Path file : manifestFiles(paths)) {
      readFile(file, snapshot, warnings);
    }
    return new LoadResult(snapshot.build(), warnings);
  }

  /**
   * Loads one file. Reading files one by one lets a caller reuse what it read before for files that
   * did not change; merging the results in {@link #manifestFiles} order gives the same snapshot as
   * {@link #load}.
   */
  public static LoadResult loadFile(Path file) {
    List<String> warnings = new ArrayList<>();
    ResourceSnapshot.Builder snapshot = ResourceSnapshot.builder();
    readFile(file, snapshot, warnings);
    return new LoadResult(snapshot.build(), warnings);
  }

  /** The manifest files under the given paths, in a stable order. */
  public static List<Path> manifestFiles(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile)
              .filter(ManifestLoader::isManifest)
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new ManifestException(path, 0, "cannot list directory: " + e.getMessage(), e);
        }
      } else if (Files.exists(path)) {
        files.add(path);
      } else {
        throw new ManifestException(path, 0, "no such file or directory", null);
      }
    }
    return files;
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".")
        && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static void readFile(
      Path file, ResourceSnapshot.Builder snapshot, List<String> warnings) {
    try (Reader reader = Files.newBufferedReader(file);
        JsonParser parser = YAML.createParser(reader)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        int line = parser.currentTokenLocation().getLineNr();
        if (token != JsonToken.START_OBJECT) {
          // An empty document or a bare scalar: nothing to read.
          parser.skipChildren();
          continue;
        }
        JsonNode document = YAML.readTree(parser);
        readDocument(file, line, document, snapshot, warnings);
      }
    } catch (IOException e) {
      throw new ManifestException(file, 0, "cannot read: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new ManifestException(file, lineOf(e), "invalid YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static void readDocument(
      Path file,
      int line,
      JsonNode document,
      ResourceSnapshot.Builder snapshot,
      List<String> warnings) {
    String apiVersion = document.path("apiVersion").asString("");
    String kind = document.path("kind").asString("");
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new ManifestException(file, line, "document has no apiVersion or kind", null);
    }
    if (kind.equals("List") && apiVersion.equals("v1")) {
      for (JsonNode item : document.path("items")) {
        readDocument(file, line, item, snapshot, warnings);
      }
      return;
    }
    Optional<Class<? extends HasMetadata>> type = SupportedKinds.typeOf(apiVersion, kind);
    if (type.isEmpty()) {
      warnings.add(
          file + ":" + line + ": " + apiVersion + " " + kind + " is not supported; ignored");
      return;
    }
    HasMetadata resource;
    try {
      resource = MODEL.treeToValue(document, type.get());
    } catch (DatabindException e) {
      throw new ManifestException(
          file, line, kind + ": " + fieldPath(e) + ": " + e.getOriginalMessage(), e);
    }
    applyDefaults(file, line, resource, apiVersion, kind);
    snapshot.add(resource);
  }

  private static void applyDefaults(
      Path file, int line, HasMetadata resource, String apiVersion, String kind) {
    ObjectMeta metadata = resource.getMetadata();
    if (metadata == null || metadata.getName() == null || metadata.getName().isEmpty()) {
      throw new ManifestException(file, line, kind + ": metadata.name: missing", null);
    }
    // Keep the version the user wrote, so that output echoes it back.
    resource.setApiVersion(apiVersion);
    if (SupportedKinds.isNamespaced(apiVersion, kind)) {
      if (metadata.getNamespace() == null || metadata.getNamespace().isEmpty()) {
        metadata.setNamespace("default");
      }
    } else {
      metadata.setNamespace(null);
    }
    if (metadata.getGeneration() == null) {
      metadata.setGeneration(1L);
    }
  }

  private static String fieldPath(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "(document)" : path.toString();
  }

  private static int lineOf(JacksonException e) {
    TokenStreamLocation location = e.getLocation();
    return location == null ? 0 : Math.max(location.getLineNr(), 0);
  }
}
