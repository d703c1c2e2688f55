package dev.archway.app.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.app.runtime.ControllerRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.LeaderElection;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts controllers in this JVM and helps tests read statuses the way the conformance suite does.
 */
final class ControllerHarness implements AutoCloseable {
  /** One controller replica: its runner and its own data plane. */
  record Replica(ControllerRunner runner, DataPlane dataPlane, StatusStore statuses) {}

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A replica with short Lease timings, so that failover fits in a test. */
  Replica start(KubernetesClient client, String addressRange, String leaseName, String identity) {
    return start(client, addressRange, "default", leaseName, identity);
  }

  /** As above, with the Lease in {@code leaseNamespace}. */
  Replica start(
      KubernetesClient client,
      String addressRange,
      String leaseNamespace,
      String leaseName,
      String identity) {
    DataPlane dataPlane = DataPlane.start(DataPlaneOptions.defaults().withWorkers(1));
    closeables.add(dataPlane);
    StatusStore statuses = new StatusStore();
    LeaderElection.Settings election =
        new LeaderElection.Settings(
            leaseNamespace,
            leaseName,
            identity,
            Duration.ofSeconds(4),
            Duration.ofSeconds(3),
            Duration.ofMillis(250));
    ControllerRunner runner =
        ControllerRunner.start(
            client,
            new ControllerRunner.Options(
                addressRange, election, Debounce.DEFAULT, Duration.ofSeconds(60)),
            dataPlane,
            statuses,
            Clock.systemUTC());
    closeables.add(runner);
    return new Replica(runner, dataPlane, statuses);
  }

  /** GET {@code http://address:port/path}: the status code and, for 200, the echo's pod name. */
  Optional<String> get(String address, int port, String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.of("status " + response.statusCode());
      }
      JsonNode body = JsonMapper.builder().build().readTree(response.body());
      return Optional.of(body.path("pod").asString());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The status of listener {@code name}, or an assertion failure that an await retries: until the
   * controller writes one, a Gateway's status is the CRD's default, without listeners.
   */
  static ListenerStatus listenerStatus(Gateway gateway, String name) {
    assertThat(gateway.getStatus()).isNotNull();
    assertThat(gateway.getStatus().getListeners())
        .extracting(ListenerStatus::getName)
        .contains(name);
    return gateway.getStatus().getListeners().stream()
        .filter(l -> l.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The condition of this type, or fails. */
  static Condition condition(List<Condition> conditions, String type) {
    assertThat(conditions).extracting(Condition::getType).contains(type);
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  /** True with observedGeneration equal to the object's generation, as the suite waits for. */
  static boolean currentTrue(List<Condition> conditions, String type, HasMetadata of) {
    if (conditions == null) {
      return false;
    }
    return conditions.stream()
        .anyMatch(
            c ->
                c.getType().equals(type)
                    && c.getStatus().equals("True")
                    && of.getMetadata().getGeneration().equals(c.getObservedGeneration()));
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }
}
