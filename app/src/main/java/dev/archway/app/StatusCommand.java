package dev.archway.app;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.app.runtime.StatusStore;
import dev.archway.app.runtime.StatusSummary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code archway status}: the statuses of a running instance, read from its admin API. */
@Command(
    name = "status",
    description = "Show the statuses of a running archway, read from its admin API.")
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:19000",
      paramLabel = "HOST:PORT",
      description = "The admin API of the running instance (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Print the resources with their status as yaml or json instead of a summary.")
  OutputFormat output;

  @Override
  public Integer call() throws InterruptedException {
    Addresses.parse(adminAddress, "--admin-address");
    String format = output == OutputFormat.yaml ? "yaml" : "json";
    URI uri = URI.create("http://" + adminAddress + "/status?format=" + format);
    String body;
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        System.err.println("error: " + uri + " answered " + response.statusCode());
        return 1;
      }
      body = response.body();
    } catch (IOException e) {
      System.err.println("error: no archway admin API at " + adminAddress + ": " + e);
      return 1;
    }
    if (output != null) {
      System.out.print(body);
      return 0;
    }
    Map<ResourceKey, JsonNode> byKey = new TreeMap<>(StatusStore.SUMMARY_ORDER);
    for (JsonNode resource : JsonMapper.shared().readTree(body)) {
      if (resource.has("status")) {
        JsonNode metadata = resource.path("metadata");
        ResourceKey key =
            new ResourceKey(
                resource.path("kind").asString(),
                metadata.path("namespace").asString(""),
                metadata.path("name").asString());
        byKey.put(key, resource.get("status"));
      }
    }
    Map<String, JsonNode> statuses = new LinkedHashMap<>();
    byKey.forEach((key, status) -> statuses.put(key.toString(), status));
    StatusSummary.lines(statuses).forEach(System.out::println);
    return 0;
  }
}
