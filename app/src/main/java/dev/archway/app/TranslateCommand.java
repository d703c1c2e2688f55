package dev.archway.app;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.api.yaml.ResourceWriter;
import dev.archway.app.runtime.StatusStore;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code archway translate}: the offline view of what {@code run} would do with the same files. It
 * opens no port. Exit codes: 0 when everything Archway owns is accepted, 1 when anything is not
 * (the reasons go to standard error), 2 when the files cannot be read.
 */
@Command(
    name = "translate",
    description = {
      "Print the resources with the statuses Archway computes for them, and/or the data plane"
          + " configuration, without opening any port.",
      "Exit code 1 when any resource is not accepted, 2 when the files cannot be read."
    })
final class TranslateCommand implements Callable<Integer> {
  enum Show {
    status,
    ir
  }

  @Mixin ManifestPaths manifests;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "yaml",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(
      names = "--show",
      split = ",",
      defaultValue = "status",
      description =
          "What to print: status (the resources with their status), ir (the data plane"
              + " configuration), or both: status,ir (default: ${DEFAULT-VALUE}).")
  Set<Show> show = EnumSet.of(Show.status);

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    LoadResult loaded;
    try {
      loaded = ManifestLoader.load(manifests.paths);
    } catch (ManifestException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    loaded.warnings().forEach(w -> err.println("warning: " + w));
    TranslationResult result =
        Translator.translate(loaded.snapshot(), RuntimeFacts.NONE.withNow(Instant.now()));

    List<Object> documents = new ArrayList<>();
    if (show.contains(Show.status)) {
      documents.addAll(StatusStore.resourcesWithStatus(loaded.snapshot(), result));
    }
    if (show.contains(Show.ir)) {
      documents.add(irDocument(result));
    }
    out.print(
        output == OutputFormat.json
            ? ResourceWriter.toJson(documents) + "\n"
            : ResourceWriter.toYamlDocuments(documents));
    out.flush();
    result.problems().forEach(p -> err.println("not accepted: " + p));
    return result.problems().isEmpty() ? 0 : 1;
  }

  /** The IR as a document shaped like a resource, so that it reads naturally beside them. */
  private static Map<String, Object> irDocument(TranslationResult result) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", ArchwayApi.API_VERSION);
    document.put("kind", "DataPlaneConfig");
    document.put("spec", result.config());
    return document;
  }
}
