package dev.archway.app.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpRoute;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The config sync protocol: one bidirectional gRPC stream per proxy, {@code
 * archway.sync.v1.ConfigSync/Stream}, whose messages are small records encoded as JSON (the IR
 * already has a JSON form, so no protoc step and no second schema to keep in step).
 *
 * <pre>
 * proxy                                   controller
 *   ── ProxyMessage{subscribe} ──────────▶  (gateway, last applied version)
 *   ◀───────────── ConfigUpdate{v, config}  full configuration of that Gateway
 *   ── ProxyMessage{ack v | nack v, why} ─▶
 *   ◀──── ConfigUpdate{v+1, delta{base v}}  endpoints of some destinations only
 *   ── ProxyMessage{ack v+1} ─────────────▶
 *   ◀── ConfigUpdate{v+2, changes{base v+1}} new routes; the rest by position in v+1
 *   ── ProxyMessage{ack v+2} ─────────────▶
 * </pre>
 */
public final class SyncProtocol {
  /** The gRPC service name. */
  public static final String SERVICE = "archway.sync.v1.ConfigSync";

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .changeDefaultPropertyInclusion(
              incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  /** The one method: proxy messages in, configuration updates out. */
  public static final MethodDescriptor<ProxyMessage, ConfigUpdate> STREAM =
      MethodDescriptor.<ProxyMessage, ConfigUpdate>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Stream"))
          .setRequestMarshaller(new JsonMarshaller<>(ProxyMessage.class))
          .setResponseMarshaller(new JsonMarshaller<>(ConfigUpdate.class))
          .build();

  private SyncProtocol() {}

  /**
   * The first message of a stream.
   *
   * @param proxyName the proxy's name (its pod name), unique among the Gateway's proxies
   * @param gateway {@code <namespace>/<name>}
   * @param lastVersion the version the proxy serves (0 for none), so that a controller that
   *     restarted continues above it
   */
  public record Subscribe(String proxyName, String gateway, long lastVersion) {
    public Subscribe {
      Objects.requireNonNull(proxyName, "proxyName");
      Objects.requireNonNull(gateway, "gateway");
    }
  }

  /**
   * The proxy serves {@code version}.
   *
   * @param listenerErrors the listeners it could not bind, IR listener name to why (the shape of
   *     {@code RuntimeFacts.listenerErrors})
   */
  public record Ack(long version, Map<String, String> listenerErrors) {
    public Ack {
      listenerErrors = Map.copyOf(Objects.requireNonNullElse(listenerErrors, Map.of()));
    }
  }

  /** The proxy rejected {@code version} and keeps serving the one before it. */
  public record Nack(long version, String error) {}

  /** What a proxy sends: exactly one of the three. */
  public record ProxyMessage(Subscribe subscribe, Ack ack, Nack nack) {
    public static ProxyMessage of(Subscribe subscribe) {
      return new ProxyMessage(subscribe, null, null);
    }

    public static ProxyMessage of(Ack ack) {
      return new ProxyMessage(null, ack, null);
    }

    public static ProxyMessage of(Nack nack) {
      return new ProxyMessage(null, null, nack);
    }
  }

  /**
   * Replaces the endpoints of some destinations of the configuration of version {@code
   * baseVersion}, leaving everything else as it is.
   *
   * @param baseVersion the version this delta applies to; a proxy serving another one rejects it
   * @param endpoints destination name to its complete new list of endpoints
   */
  public record EndpointDelta(long baseVersion, Map<String, List<Endpoint>> endpoints) {
    public EndpointDelta {
      endpoints = Map.copyOf(Objects.requireNonNullElse(endpoints, Map.of()));
    }
  }

  /**
   * The Gateway's configuration of {@code baseVersion}, changed. Each virtual host of {@code
   * gateway} named in {@code routes} comes with no routes: its routes are made of runs of the base
   * virtual host's routes and new ones, so that a change of one route of 10,000 sends one route,
   * and the proxy keeps (and need not compile again) the route objects it has.
   *
   * @param baseVersion the version this applies to; a proxy serving another one rejects it
   * @param gateway the Gateway, whole but for the routes of the virtual hosts in {@code routes}
   * @param routes {@link ConfigDeltas#key virtual host key} to the runs its routes are made of
   * @param destinations the names of the Gateway's destinations, in order
   * @param changedDestinations the destinations that are new or differ from the base's
   */
  public record ConfigDelta(
      long baseVersion,
      GatewayIr gateway,
      Map<String, List<RouteRun>> routes,
      List<String> destinations,
      List<Destination> changedDestinations) {
    public ConfigDelta {
      Objects.requireNonNull(gateway, "gateway");
      routes = Map.copyOf(Objects.requireNonNullElse(routes, Map.of()));
      destinations = List.copyOf(Objects.requireNonNullElse(destinations, List.of()));
      changedDestinations = List.copyOf(Objects.requireNonNullElse(changedDestinations, List.of()));
    }
  }

  /**
   * Part of a virtual host's routes: routes {@code from} to {@code from + count - 1} of the base
   * virtual host when {@code added} is null, otherwise {@code added}.
   */
  public record RouteRun(int from, int count, List<HttpRoute> added) {
    static RouteRun kept(int from, int count) {
      return new RouteRun(from, count, null);
    }

    static RouteRun added(List<HttpRoute> routes) {
      return new RouteRun(0, 0, List.copyOf(routes));
    }
  }

  /**
   * A new version of one Gateway's configuration: exactly one of {@code config}, {@code delta} and
   * {@code changes}.
   *
   * @param version greater than every version sent before for this Gateway
   * @param config the Gateway's whole configuration: its {@code GatewayIr} and the destinations it
   *     refers to
   * @param delta endpoint changes only
   * @param changes any other change, relative to a base version
   */
  public record ConfigUpdate(
      long version, DataPlaneConfig config, EndpointDelta delta, ConfigDelta changes) {
    public static ConfigUpdate full(long version, DataPlaneConfig config) {
      return new ConfigUpdate(version, Objects.requireNonNull(config, "config"), null, null);
    }

    public static ConfigUpdate delta(long version, EndpointDelta delta) {
      return new ConfigUpdate(version, null, Objects.requireNonNull(delta, "delta"), null);
    }

    public static ConfigUpdate changes(long version, ConfigDelta changes) {
      return new ConfigUpdate(version, null, null, Objects.requireNonNull(changes, "changes"));
    }
  }

  /** Message bytes are their JSON. */
  private record JsonMarshaller<T>(Class<T> type) implements MethodDescriptor.Marshaller<T> {
    @Override
    public InputStream stream(T value) {
      return new ByteArrayInputStream(JSON.writeValueAsBytes(value));
    }

    @Override
    public T parse(InputStream stream) {
      try (stream) {
        return JSON.readValue(stream, type);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read a " + type.getSimpleName(), e);
      }
    }
  }
}
