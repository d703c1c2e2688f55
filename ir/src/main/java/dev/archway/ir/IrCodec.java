package dev.archway.ir;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Reads and writes {@link DataPlaneConfig} as YAML or JSON.
 *
 * <p>Output is stable: record components keep declaration order and empty values are left out, so
 * that golden files and configuration diffs only show what changed.
 */
public final class IrCodec {
  private static final ObjectMapper YAML =
      configure(
              YAMLMapper.builder()
                  .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                  .disable(YAMLWriteFeature.USE_NATIVE_TYPE_ID)
                  .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
                  .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .disable(YAMLWriteFeature.SPLIT_LINES))
          .build();
  private static final ObjectMapper JSON =
      configure(JsonMapper.builder()).enable(SerializationFeature.INDENT_OUTPUT).build();

  private IrCodec() {}

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder
        .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .changeDefaultPropertyInclusion(
            incl -> incl.withValueInclusion(JsonInclude.Include.NON_EMPTY));
  }

  /** Writes any IR value as YAML. */
  public static String toYaml(Object value) {
    return YAML.writeValueAsString(value);
  }

  /** Writes any IR value as indented JSON. */
  public static String toJson(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** Reads a configuration written by {@link #toYaml}. */
  public static DataPlaneConfig fromYaml(String yaml) {
    return YAML.readValue(yaml, DataPlaneConfig.class);
  }

  /** Reads a configuration written by {@link #toJson}. */
  public static DataPlaneConfig fromJson(String json) {
    return JSON.readValue(json, DataPlaneConfig.class);
  }
}
