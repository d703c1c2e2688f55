package dev.archway.app.sync;

import dev.archway.app.sync.SyncProtocol.Ack;
import dev.archway.app.sync.SyncProtocol.ConfigUpdate;
import dev.archway.app.sync.SyncProtocol.Nack;
import dev.archway.app.sync.SyncProtocol.ProxyMessage;
import dev.archway.app.sync.SyncProtocol.Subscribe;
import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's end of config sync: subscribes to one Gateway, applies each update to the data plane
 * and acknowledges it, or rejects it and keeps serving the last good configuration.
 *
 * <p>When the stream ends (the controller restarted, the network failed) the data plane keeps
 * serving what it has, and the client reconnects after a {@link Backoff} delay, reporting the
 * version it serves. The TLS files are read again at every attempt, so a renewed certificate in the
 * mounted Secret is used without a restart.
 */
public final class SyncClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);
  private static final int MAX_MESSAGE_BYTES = 64 << 20;

  /**
   * How to reach the controller.
   *
   * @param target the controller's sync address, {@code HOST:PORT}
   * @param gateway {@code <namespace>/<name>}
   * @param proxyName this proxy's name (its pod name)
   * @param tlsDir the directory with {@code tls.crt}, {@code tls.key} and {@code ca.crt}
   * @param backoff the delays between connection attempts
   * @param bindAddress the address to serve the Gateway's listeners on, in place of the one in its
   *     configuration (which is the controller's choice for host infrastructure); null keeps it
   */
  public record Settings(
      String target,
      String gateway,
      String proxyName,
      Path tlsDir,
      Backoff backoff,
      String bindAddress) {
    public Settings {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(proxyName, "proxyName");
      Objects.requireNonNull(tlsDir, "tlsDir");
      Objects.requireNonNull(backoff, "backoff");
    }
  }

  private final Settings settings;
  private final DataPlane dataPlane;
  private final Thread loop;
  private final AtomicLong fullUpdates = new AtomicLong();
  private final AtomicLong deltaUpdates = new AtomicLong();
  private final AtomicLong changeUpdates = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile ManagedChannel channel;

  // Written under this; read without it by the admin API.
  private volatile long appliedVersion;
  private volatile DataPlaneConfig appliedConfig;

  private SyncClient(Settings settings, DataPlane dataPlane) {
    this.settings = settings;
    this.dataPlane = dataPlane;
    this.loop = Thread.ofPlatform().daemon().name("archway-sync-client").unstarted(this::run);
  }

  /** Starts connecting in the background. */
  public static SyncClient start(Settings settings, DataPlane dataPlane) {
    SyncClient client = new SyncClient(settings, dataPlane);
    client.loop.start();
    return client;
  }

  /** Whether a configuration is being served (it stays so while disconnected). */
  public boolean serving() {
    return appliedConfig != null;
  }

  /** Whether a stream to the controller is open and has delivered an update. */
  public boolean connected() {
    return connected;
  }

  /** The version served, 0 before any. */
  public long appliedVersion() {
    return appliedVersion;
  }

  /** The configuration served, or null before any. */
  public DataPlaneConfig appliedConfig() {
    return appliedConfig;
  }

  /** Whole configurations applied. */
  public long fullUpdates() {
    return fullUpdates.get();
  }

  /** Endpoint deltas applied. */
  public long deltaUpdates() {
    return deltaUpdates.get();
  }

  /** Deltas of other changes applied ({@link SyncProtocol.ConfigDelta}). */
  public long changeUpdates() {
    return changeUpdates.get();
  }

  /** Streams opened so far. */
  public long connections() {
    return connections.get();
  }

  private void run() {
    int failures = 0;
    while (!closed) {
      boolean gotUpdate = false;
      try {
        gotUpdate = stream();
      } catch (IOException | RuntimeException e) {
        LOG.warn("config sync with {}: {}", settings.target(), e.getMessage());
      }
      if (closed) {
        return;
      }
      failures = gotUpdate ? 1 : failures + 1;
      Duration delay = settings.backoff().delay(failures);
      LOG.info(
          "reconnecting to the controller at {} in {} ms (serving version {} meanwhile)",
          settings.target(),
          delay.toMillis(),
          appliedVersion);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One stream, until it ends; whether any update arrived on it. */
  private boolean stream() throws IOException {
    ManagedChannel ch =
        NettyChannelBuilder.forTarget(settings.target())
            .sslContext(TlsFiles.client(settings.tlsDir()))
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .build();
    channel = ch;
    if (closed) {
      ch.shutdownNow();
      return false;
    }
    CountDownLatch ended = new CountDownLatch(1);
    boolean[] received = {false};
    try {
      Responses responses = new Responses(ended, received);
      StreamObserver<ProxyMessage> requests =
          ClientCalls.asyncBidiStreamingCall(
              ch.newCall(SyncProtocol.STREAM, CallOptions.DEFAULT.withWaitForReady()), responses);
      responses.requests = requests;
      synchronized (this) {
        requests.onNext(
            ProxyMessage.of(
                new Subscribe(settings.proxyName(), settings.gateway(), appliedVersion)));
      }
      ended.await();
      synchronized (this) {
        return received[0];
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return received[0];
    } finally {
      connected = false;
      ch.shutdownNow();
    }
  }

  /** Applies an update; the reply to send. */
  private synchronized ProxyMessage handle(ConfigUpdate update) {
    long version = update.version();
    if (version <= appliedVersion) {
      return ProxyMessage.of(
          new Nack(version, "version " + version + " is not above " + appliedVersion));
    }
    DataPlaneConfig next;
    if (update.delta() != null || update.changes() != null) {
      long base =
          update.delta() != null ? update.delta().baseVersion() : update.changes().baseVersion();
      if (appliedConfig == null || base != appliedVersion) {
        return ProxyMessage.of(
            new Nack(version, "delta for version " + base + ", serving " + appliedVersion));
      }
      try {
        next =
            update.delta() != null
                ? GatewayConfigs.withEndpoints(appliedConfig, update.delta().endpoints())
                : ConfigDeltas.apply(appliedConfig, update.changes());
      } catch (IllegalArgumentException e) {
        return ProxyMessage.of(new Nack(version, e.getMessage()));
      }
    } else if (update.config() != null) {
      next = update.config();
    } else {
      return ProxyMessage.of(new Nack(version, "an update with neither config nor delta"));
    }
    ApplyResult result;
    try {
      result = dataPlane.apply(boundTo(next, settings.bindAddress()));
    } catch (RuntimeException e) {
      LOG.error(
          "configuration version {} rejected, version {} keeps serving: {}",
          version,
          appliedVersion,
          e.getMessage());
      return ProxyMessage.of(new Nack(version, String.valueOf(e.getMessage())));
    }
    (update.delta() != null ? deltaUpdates : update.changes() != null ? changeUpdates : fullUpdates)
        .incrementAndGet();
    appliedConfig = next;
    appliedVersion = version;
    LOG.info(
        "configuration version {} applied ({}){}",
        version,
        update.delta() != null
            ? "endpoints of " + update.delta().endpoints().size() + " destinations"
            : update.changes() != null
                ? "delta of version " + update.changes().baseVersion()
                : "full",
        result.allBound() ? "" : "; not bound: " + result.listenerErrors());
    return ProxyMessage.of(new Ack(version, result.listenerErrors()));
  }

  /** {@code config} with every Gateway's listeners on {@code address}; unchanged when null. */
  static DataPlaneConfig boundTo(DataPlaneConfig config, String address) {
    if (address == null) {
      return config;
    }
    List<GatewayIr> gateways = new ArrayList<>();
    for (GatewayIr gateway : config.gateways()) {
      // The same listener and route objects: the data plane's compile memo knows routes by
      // identity.
      gateways.add(gateway.withBindAddress(address));
    }
    return new DataPlaneConfig(gateways, config.destinations());
  }

  /** Stops syncing; the data plane keeps serving and is the caller's to close. */
  @Override
  public void close() {
    closed = true;
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
    }
    loop.interrupt();
    try {
      loop.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Responses implements StreamObserver<ConfigUpdate> {
    private final CountDownLatch ended;
    private final boolean[] received;
    volatile StreamObserver<ProxyMessage> requests;

    Responses(CountDownLatch ended, boolean[] received) {
      this.ended = ended;
      this.received = received;
    }

    @Override
    public void onNext(ConfigUpdate update) {
      if (!connected) {
        connected = true;
        connections.incrementAndGet();
        LOG.info("connected to the controller at {}", settings.target());
      }
      ProxyMessage reply = handle(update);
      synchronized (SyncClient.this) {
        received[0] = true;
        requests.onNext(reply);
      }
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      if (!closed) {
        LOG.warn(
            "config sync stream ended: {}{}",
            status.getCode(),
            status.getDescription() == null ? "" : ": " + status.getDescription());
      }
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      ended.countDown();
    }
  }
}
