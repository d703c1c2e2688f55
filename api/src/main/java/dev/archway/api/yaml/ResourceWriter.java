package dev.archway.api.yaml;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes resources and statuses as YAML or JSON the way {@code kubectl get -o yaml} would, leaving
 * out empty values, so that output is compact and stable enough to compare in golden files.
 */
public final class ResourceWriter {
  private static final ObjectMapper YAML =
      configure(
              YAMLMapper.builder()
                  .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                  .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
                  .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .disable(YAMLWriteFeature.SPLIT_LINES))
          .build();
  private static final ObjectMapper JSON =
      configure(JsonMapper.builder()).enable(SerializationFeature.INDENT_OUTPUT).build();

  private ResourceWriter() {}

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder.changeDefaultPropertyInclusion(
        incl -> incl.withValueInclusion(JsonInclude.Include.NON_EMPTY));
  }

  /** One value as a YAML document (no leading {@code ---}). */
  public static String toYaml(Object value) {
    return YAML.writeValueAsString(value);
  }

  /** Several values as a multi-document YAML stream, separated by {@code ---}. */
  public static String toYamlDocuments(List<?> values) {
    StringBuilder out = new StringBuilder();
    for (Object value : values) {
      if (!out.isEmpty()) {
        out.append("---\n");
      }
      out.append(toYaml(value));
    }
    return out.toString();
  }

  /** One value as indented JSON. */
  public static String toJson(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** A plain-data copy of a value (maps, lists, scalars), for embedding in other output. */
  public static JsonNode toTree(Object value) {
    return JSON.valueToTree(value);
  }
}
