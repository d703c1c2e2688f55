package dev.archway.translator;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.ProxyConfig;
import dev.archway.ir.DataPlaneConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Translates a snapshot of resources into the data plane's configuration and the statuses of the
 * resources Archway owns. A pure function: no I/O, no clock (the time certificates are checked
 * against is {@link RuntimeFacts#now()}), no shared state, so the same input always gives the same
 * output and it can run offline ({@code archway translate}).
 */
public final class Translator {
  private Translator() {}

  /**
   * Translates a snapshot.
   *
   * @param snapshot every resource; never modified
   * @param facts what the data plane reported about the configuration it runs, or {@link
   *     RuntimeFacts#NONE}
   * @see #translate(ResourceSnapshot, RuntimeFacts, GatewayRuntime) for Gateways that do not run in
   *     this process ({@link GatewayRuntime#HOST} here)
   */
  public static TranslationResult translate(ResourceSnapshot snapshot, RuntimeFacts facts) {
    return translate(snapshot, facts, GatewayRuntime.HOST);
  }

  /**
   * Translates a snapshot for Gateways that run in {@code runtime}, which decides the few
   * conformance features that depend on it (the GatewayClass status).
   */
  public static TranslationResult translate(
      ResourceSnapshot snapshot, RuntimeFacts facts, GatewayRuntime runtime) {
    return translate(snapshot, facts, runtime, null);
  }

  /**
   * Translates a snapshot, reusing what {@code memo} kept from the previous translation for the
   * HTTPRoutes that did not change (see {@link TranslationMemo}); the result is the one the other
   * overloads give. The memo then holds this translation's outcomes.
   *
   * @param memo the pipeline's memo, or null for none
   */
  public static TranslationResult translate(
      ResourceSnapshot snapshot, RuntimeFacts facts, GatewayRuntime runtime, TranslationMemo memo) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(runtime, "runtime");
    SortedMap<ResourceKey, Object> statuses = new TreeMap<>();

    ResourceIndex index = new ResourceIndex(snapshot);
    // 1.-3. GatewayClasses, Gateways and ListenerSets.
    Frontends frontends = frontends(snapshot, index, facts.now(), statuses, runtime);
    Map<String, GatewayContext> gateways = frontends.gateways();
    Map<String, ListenerSetContext> listenerSets = frontends.listenerSets();

    // 4. Routes attached to those Gateways; backends resolved along the way.
    BackendResolver backends = new BackendResolver(index);
    // BackendTLSPolicies first: they decide whether destinations use TLS.
    List<Object> policies =
        BackendTlsPolicies.configure(
            snapshot.list(BackendTLSPolicy.class), index, backends, facts.now());
    RouteParents.Parents parents = new RouteParents.Parents(gateways, listenerSets);
    List<HTTPRoute> httpRoutes = snapshot.list(HTTPRoute.class);
    TranslationMemo.Session session =
        memo == null ? null : memo.begin(snapshot, parents, backends, runtime);
    SortedMap<ResourceKey, ?> httpRouteStatuses =
        HttpRoutes.process(httpRoutes, parents, backends, session);
    statuses.putAll(GrpcRoutes.process(snapshot.list(GRPCRoute.class), parents, backends));
    statuses.putAll(L4Routes.processTls(snapshot.list(TLSRoute.class), parents, backends));
    statuses.putAll(L4Routes.processTcp(snapshot.list(TCPRoute.class), parents, backends));
    statuses.putAll(L4Routes.processUdp(snapshot.list(UDPRoute.class), parents, backends));

    // 5. The IR, then the Gateway statuses (they count the routes attached in step 4).
    DataPlaneConfig config =
        IrBuilder.build(
            gateways.values(),
            backends.destinations(),
            session == null ? IrBuilder.RouteOrder.FROM_SCRATCH : session);
    statuses.putAll(BackendTlsPolicies.statuses(policies, config, gateways.values(), index));
    for (GatewayContext gw : gateways.values()) {
      statuses.put(gw.key, GatewayStatuses.build(gw, facts));
    }
    statuses.putAll(ListenerSets.statuses(listenerSets, facts));
    SortedSet<ResourceKey> lookups = index.lookups();
    // The HTTPRoutes' statuses are the many: a sorted map copied in one pass, the others put in.
    SortedMap<ResourceKey, Object> all = new TreeMap<>(httpRouteStatuses);
    all.putAll(statuses);
    if (session != null) {
      lookups = session.finish(httpRoutes.size(), lookups);
    }
    return new TranslationResult(config, all, lookups);
  }

  /**
   * The endpoint fast path: {@code config} (the output of a translation) with the endpoints of its
   * Service destinations read again from {@code snapshot}, routes and everything else kept. Equal
   * to the configuration a full translation of {@code snapshot} gives when only EndpointSlices
   * changed since {@code config} was translated. Returns {@code config} itself when no endpoint
   * changed.
   */
  public static DataPlaneConfig refreshEndpoints(
      DataPlaneConfig config, ResourceSnapshot snapshot) {
    return EndpointRefresh.refresh(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(snapshot, "snapshot"));
  }

  /** The Gateways of Archway's classes and their ListenerSets, listeners resolved. */
  private record Frontends(
      Map<String, GatewayContext> gateways, Map<String, ListenerSetContext> listenerSets) {}

  private static Frontends frontends(
      ResourceSnapshot snapshot,
      ResourceIndex index,
      Instant now,
      SortedMap<ResourceKey, Object> statuses,
      GatewayRuntime runtime) {
    // 1. GatewayClasses: which classes are Archway's, with their ProxyConfig.
    Map<String, ProxyConfig> classes =
        GatewayClasses.process(snapshot.list(GatewayClass.class), index, statuses, runtime);

    // 2. Gateways of those classes, with their listeners validated and certificates resolved.
    Map<String, GatewayContext> gateways = new LinkedHashMap<>();
    for (Gateway gateway : snapshot.list(Gateway.class)) {
      if (gateway.getSpec() != null
          && classes.containsKey(gateway.getSpec().getGatewayClassName())) {
        GatewayContext gw = Listeners.process(gateway, index, now);
        GatewaySettings.process(
            gw, classes.get(gateway.getSpec().getGatewayClassName()), index, now);
        gateways.put(gw.namespacedName(), gw);
      }
    }

    // 3. ListenerSets attached to those Gateways; conflicts across the merged listeners.
    Map<String, ListenerSetContext> listenerSets =
        ListenerSets.process(snapshot.list(ListenerSet.class), gateways, index, now);
    gateways.values().forEach(gw -> FrontendValidation.apply(gw, index, now));
    return new Frontends(gateways, listenerSets);
  }

  /**
   * The Secrets and ConfigMaps a translation of this snapshot reads: those of {@link
   * TranslationResult#lookups()} (the golden tests check the two agree). Only the GatewayClasses,
   * Gateways, ListenerSets and BackendTLSPolicies are processed (where every Secret and ConfigMap
   * is read), not the routes, so this costs a fraction of a translation. The result depends on
   * GatewayClasses, Gateways, ListenerSets, ReferenceGrants and BackendTLSPolicies, not on the
   * Secrets and ConfigMaps themselves.
   */
  public static Set<ResourceKey> referencedObjects(ResourceSnapshot snapshot) {
    ResourceIndex index = new ResourceIndex(Objects.requireNonNull(snapshot, "snapshot"));
    Instant now = RuntimeFacts.NONE.now();
    frontends(snapshot, index, now, new TreeMap<>(), GatewayRuntime.HOST);
    BackendTlsPolicies.configure(
        snapshot.list(BackendTLSPolicy.class), index, new BackendResolver(index), now);
    return index.secretsAndConfigMaps();
  }
}
