package dev.archway.app.sync;

import dev.archway.app.sync.SyncProtocol.ConfigUpdate;
import dev.archway.app.sync.SyncProtocol.EndpointDelta;
import dev.archway.app.sync.SyncProtocol.ProxyMessage;
import dev.archway.app.sync.SyncProtocol.Subscribe;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Endpoint;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's end of config sync: holds the latest configuration of every Gateway with a
 * version, streams it to the proxies subscribed to that Gateway, and records what each proxy
 * acknowledged.
 *
 * <p>Versions increase by one per change of a Gateway's configuration. A proxy that subscribes with
 * a version at or above the current one (it outlived a controller restart) makes the Gateway
 * continue above it, so a proxy never sees a version go backwards. When only endpoints changed
 * since the version a proxy acknowledged, it gets an {@link EndpointDelta}; otherwise the whole
 * configuration. A delta the proxy rejects is followed by the whole configuration under the same
 * version.
 *
 * <p>A Gateway is programmed ({@link #unacknowledged()} does not list it) when at least one proxy
 * is subscribed and every subscribed proxy acknowledged its current content (endpoint-only changes
 * aside: they do not make a programmed Gateway unprogrammed while the proxies take them).
 */
public final class SyncServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncServer.class);
  private static final Context.Key<List<String>> PEER_GATEWAYS =
      Context.key("archway-peer-gateways");

  /**
   * What one proxy reported.
   *
   * @param proxyName the proxy's name
   * @param ackedVersion the last version it acknowledged, 0 for none
   * @param nackedVersion the last version it rejected, 0 for none
   * @param nackError why
   * @param listenerErrors the listeners it could not bind at its acknowledged version
   */
  public record ProxyStatus(
      String proxyName,
      long ackedVersion,
      long nackedVersion,
      String nackError,
      Map<String, String> listenerErrors) {}

  /**
   * One Gateway's sync state.
   *
   * @param version the latest version
   * @param contentVersion the version its configuration last changed at other than in endpoints (an
   *     endpoint-only change, and a version bump for a reconnecting proxy keeps it)
   * @param proxies the subscribed proxies, by name
   */
  public record GatewayStatus(long version, long contentVersion, List<ProxyStatus> proxies) {
    /** At least one proxy, and all of them serve the current content. */
    public boolean programmed() {
      return !proxies.isEmpty()
          && proxies.stream().allMatch(p -> p.ackedVersion() >= contentVersion);
    }

    /** Why the Gateway is not programmed, or null. */
    public String pendingReason() {
      if (programmed()) {
        return null;
      }
      if (proxies.isEmpty()) {
        return "no proxy is connected to the controller";
      }
      for (ProxyStatus p : proxies) {
        if (p.nackedVersion() >= contentVersion && p.nackedVersion() > p.ackedVersion()) {
          return "proxy "
              + p.proxyName()
              + " rejected configuration version "
              + p.nackedVersion()
              + ": "
              + p.nackError();
        }
      }
      long waiting = proxies.stream().filter(p -> p.ackedVersion() < contentVersion).count();
      return waiting
          + " of "
          + proxies.size()
          + " proxies have not acknowledged configuration version "
          + contentVersion
          + " yet";
    }
  }

  private final Server server;
  private final ExecutorService notifier =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("archway-sync-notify").factory());
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private final Map<String, GatewayState> gateways = new TreeMap<>();
  private Map<String, DataPlaneConfig> published = Map.of();
  private final GatewayConfigs.Slicer slicer = new GatewayConfigs.Slicer();

  private final ServerCertificate certificate;

  private SyncServer(NettyServerBuilder builder, ServerCertificate certificate) throws IOException {
    this.certificate = certificate;
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SyncProtocol.SERVICE)
            .addMethod(SyncProtocol.STREAM, ServerCalls.asyncBidiStreamingCall(this::open))
            .build();
    this.server =
        builder
            .addService(ServerInterceptors.intercept(service, new PeerGateways()))
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
    certificate.startRenewing();
  }

  /**
   * Listens on {@code address} with mutual TLS: a certificate {@code ca} issues for {@code
   * serverNames}, and only clients whose certificate {@code ca} signed. The server's certificate is
   * valid for {@code serverCertValidity} and renewed, while the server runs, when a third of that
   * is left (new connections get the new one; see {@link ServerCertificate}).
   */
  public static SyncServer start(
      InetSocketAddress address,
      CertificateAuthority ca,
      List<String> serverNames,
      java.time.Duration serverCertValidity)
      throws IOException {
    ServerCertificate cert =
        new ServerCertificate(ca, serverNames, serverCertValidity, java.time.Clock.systemUTC());
    return new SyncServer(
        NettyServerBuilder.forAddress(address)
            .sslContext(TlsFiles.server(cert.keyManagerFactory(), ca.certificate())),
        cert);
  }

  /** The certificate served to new connections now. */
  public X509Certificate serverCertificate() {
    return certificate.certificate();
  }

  /** The port listened on (useful when it was 0). */
  public int port() {
    return server.getPort();
  }

  /** Calls {@code listener} (on a thread of its own) whenever acknowledgements change. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Publishes a new configuration: each Gateway in it whose slice changed gets a new version, sent
   * to its proxies; a Gateway no longer in it gets an empty configuration.
   */
  public synchronized void publish(DataPlaneConfig config) {
    Map<String, DataPlaneConfig> slices = slicer.split(config);
    published = slices;
    for (String gone : new ArrayList<>(gateways.keySet())) {
      if (!slices.containsKey(gone)) {
        update(gone, DataPlaneConfig.EMPTY);
      }
    }
    slices.forEach(this::update);
  }

  /** Every Gateway's sync state, keyed by {@code <namespace>/<name>}. */
  public synchronized Map<String, GatewayStatus> status() {
    Map<String, GatewayStatus> status = new TreeMap<>();
    gateways.forEach((key, state) -> status.put(key, state.status()));
    return status;
  }

  /**
   * The Gateways of the last {@link #publish} whose proxies do not all serve it yet, keyed by
   * {@code <namespace>/<name>}, with the reason.
   */
  public synchronized Map<String, String> unacknowledged() {
    Map<String, String> pending = new TreeMap<>();
    for (String key : published.keySet()) {
      String reason = gateways.get(key).status().pendingReason();
      if (reason != null) {
        pending.put(key, reason);
      }
    }
    return pending;
  }

  private void update(String key, DataPlaneConfig config) {
    GatewayState state = gateways.computeIfAbsent(key, k -> new GatewayState());
    if (config.equals(state.config)) {
      return;
    }
    // An endpoint-only change does not make the Gateway unprogrammed while its proxies take it:
    // its listeners and routes are in place (Programmed would flap at every EndpointSlice change).
    boolean endpointsOnly =
        state.config != null && GatewayConfigs.endpointDelta(state.config, config).isPresent();
    state.version++;
    if (!endpointsOnly) {
      state.contentVersion = state.version;
    }
    state.config = config;
    for (ProxyStream stream : state.streams.values()) {
      send(state, stream);
    }
  }

  /**
   * Sends {@code state}'s current version to one proxy: as a delta of what it serves when it
   * acknowledged the last one sent (endpoints only when nothing else changed), otherwise whole.
   */
  private void send(GatewayState state, ProxyStream stream) {
    ConfigUpdate update = null;
    if (stream.sentConfig != null && stream.ackedVersion == stream.sentVersion) {
      Optional<Map<String, List<Endpoint>>> endpoints =
          GatewayConfigs.endpointDelta(stream.sentConfig, state.config);
      update =
          endpoints.isPresent()
              ? ConfigUpdate.delta(
                  state.version, new EndpointDelta(stream.sentVersion, endpoints.get()))
              : state
                  .deltaFrom(stream.sentVersion, stream.sentConfig)
                  .map(changes -> ConfigUpdate.changes(state.version, changes))
                  .orElse(null);
    }
    if (update == null) {
      update = ConfigUpdate.full(state.version, state.config);
    }
    stream.sentVersion = state.version;
    stream.sentConfig = state.config;
    stream.sentDelta = update.config() == null;
    try {
      stream.observer.onNext(update);
    } catch (RuntimeException e) {
      // The stream is gone; its onError/onCancel handler removes it.
      LOG.debug("sending to proxy {}: {}", stream.proxyName, e.toString());
    }
  }

  private StreamObserver<ProxyMessage> open(StreamObserver<ConfigUpdate> responses) {
    ServerCallStreamObserver<ConfigUpdate> observer =
        (ServerCallStreamObserver<ConfigUpdate>) responses;
    List<String> allowed = PEER_GATEWAYS.get();
    ProxyStream stream = new ProxyStream(observer, allowed == null ? List.of() : allowed);
    observer.setOnCancelHandler(() -> closed(stream, "cancelled"));
    return new StreamObserver<>() {
      @Override
      public void onNext(ProxyMessage message) {
        received(stream, message);
      }

      @Override
      public void onError(Throwable t) {
        closed(stream, Status.fromThrowable(t).toString());
      }

      @Override
      public void onCompleted() {
        closed(stream, "completed");
        try {
          observer.onCompleted();
        } catch (RuntimeException e) {
          LOG.debug("completing a sync stream: {}", e.toString());
        }
      }
    };
  }

  private void received(ProxyStream stream, ProxyMessage message) {
    boolean changed;
    synchronized (this) {
      if (message.subscribe() != null) {
        changed = subscribe(stream, message.subscribe());
      } else if (stream.gateway == null) {
        stream.observer.onError(
            Status.FAILED_PRECONDITION
                .withDescription("the first message must be a subscribe")
                .asRuntimeException());
        return;
      } else if (message.ack() != null) {
        long version = message.ack().version();
        changed = version > stream.ackedVersion && version <= stream.sentVersion;
        if (changed) {
          stream.ackedVersion = version;
          stream.listenerErrors = message.ack().listenerErrors();
        }
      } else if (message.nack() != null) {
        changed = nack(stream, message.nack());
      } else {
        return;
      }
    }
    if (changed) {
      for (Runnable listener : listeners) {
        notifier.execute(listener);
      }
    }
  }

  private boolean subscribe(ProxyStream stream, Subscribe subscribe) {
    if (stream.gateway != null) {
      return false;
    }
    if (!stream.allowedGateways.contains(subscribe.gateway())) {
      LOG.warn(
          "proxy {} asked for Gateway {} with a certificate for {}",
          subscribe.proxyName(),
          subscribe.gateway(),
          stream.allowedGateways);
      stream.observer.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "this certificate is for "
                      + stream.allowedGateways
                      + ", not "
                      + subscribe.gateway())
              .asRuntimeException());
      return false;
    }
    stream.gateway = subscribe.gateway();
    stream.proxyName = subscribe.proxyName();
    GatewayState state = gateways.computeIfAbsent(stream.gateway, k -> new GatewayState());
    ProxyStream previous = state.streams.put(stream.proxyName, stream);
    if (previous != null && previous != stream) {
      previous.observer.onError(
          Status.ALREADY_EXISTS
              .withDescription("replaced by a newer stream of the same proxy")
              .asRuntimeException());
    }
    LOG.info(
        "proxy {} subscribed to Gateway {} (it serves version {})",
        stream.proxyName,
        stream.gateway,
        subscribe.lastVersion());
    if (state.config != null) {
      if (subscribe.lastVersion() >= state.version) {
        state.version = subscribe.lastVersion() + 1; // the content stays; see the class comment
      }
      send(state, stream);
    } else if (subscribe.lastVersion() > state.version) {
      // Nothing published yet (a restarted controller still listing): the first version
      // published must be above what the proxy serves, or it would reject it.
      state.version = subscribe.lastVersion();
    }
    return true;
  }

  private boolean nack(ProxyStream stream, SyncProtocol.Nack nack) {
    if (nack.version() != stream.sentVersion) {
      return false;
    }
    LOG.warn(
        "proxy {} of Gateway {} rejected version {}: {}",
        stream.proxyName,
        stream.gateway,
        nack.version(),
        nack.error());
    stream.nackedVersion = nack.version();
    stream.nackError = nack.error();
    if (stream.sentDelta) {
      // The proxy could not take the delta (it serves another base): send the whole thing.
      stream.ackedVersion = Math.min(stream.ackedVersion, stream.sentVersion - 1);
      GatewayState state = gateways.get(stream.gateway);
      stream.sentConfig = null;
      send(state, stream);
    }
    return true;
  }

  private void closed(ProxyStream stream, String why) {
    boolean changed = false;
    synchronized (this) {
      if (stream.gateway != null) {
        GatewayState state = gateways.get(stream.gateway);
        if (state != null && state.streams.remove(stream.proxyName, stream)) {
          changed = true;
          LOG.info(
              "proxy {} of Gateway {} disconnected: {}", stream.proxyName, stream.gateway, why);
        }
      }
    }
    if (changed) {
      for (Runnable listener : listeners) {
        notifier.execute(listener);
      }
    }
  }

  /** Stops at once: open streams end, proxies keep serving and reconnect. */
  @Override
  public void close() {
    certificate.close();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    notifier.shutdownNow();
  }

  private static final class GatewayState {
    long version;
    long contentVersion;
    DataPlaneConfig config;
    final Map<String, ProxyStream> streams = new LinkedHashMap<>();

    // The last delta made, and what from and to: a Gateway's proxies usually serve the same
    // version, and each would otherwise have it made anew.
    private long deltaBase;
    private DataPlaneConfig deltaFrom;
    private DataPlaneConfig deltaTo;
    private Optional<SyncProtocol.ConfigDelta> delta;

    /** The delta from {@code base}, the configuration of {@code baseVersion}, to this one. */
    Optional<SyncProtocol.ConfigDelta> deltaFrom(long baseVersion, DataPlaneConfig base) {
      if (delta == null || deltaBase != baseVersion || deltaFrom != base || deltaTo != config) {
        deltaBase = baseVersion;
        deltaFrom = base;
        deltaTo = config;
        delta = ConfigDeltas.between(baseVersion, base, config);
      }
      return delta;
    }

    GatewayStatus status() {
      List<ProxyStatus> proxies = new ArrayList<>();
      streams.values().stream()
          .sorted(java.util.Comparator.comparing(s -> s.proxyName))
          .forEach(
              s ->
                  proxies.add(
                      new ProxyStatus(
                          s.proxyName,
                          s.ackedVersion,
                          s.nackedVersion,
                          s.nackError,
                          s.listenerErrors)));
      return new GatewayStatus(version, contentVersion, proxies);
    }
  }

  private static final class ProxyStream {
    final ServerCallStreamObserver<ConfigUpdate> observer;
    final List<String> allowedGateways;
    String gateway;
    String proxyName;
    long sentVersion;
    DataPlaneConfig sentConfig;
    boolean sentDelta;
    long ackedVersion;
    long nackedVersion;
    String nackError;
    Map<String, String> listenerErrors = Map.of();

    ProxyStream(ServerCallStreamObserver<ConfigUpdate> observer, List<String> allowedGateways) {
      this.observer = observer;
      this.allowedGateways = allowedGateways;
    }
  }

  /** Puts the Gateways the client certificate is valid for into the call's context. */
  private static final class PeerGateways implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      List<String> gateways = List.of();
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      if (session != null) {
        try {
          Certificate[] peer = session.getPeerCertificates();
          if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
            gateways = CertificateAuthority.gatewaysOf(leaf);
          }
        } catch (SSLPeerUnverifiedException e) {
          gateways = List.of();
        }
      }
      return Contexts.interceptCall(
          Context.current().withValue(PEER_GATEWAYS, gateways), call, headers, next);
    }
  }
}
