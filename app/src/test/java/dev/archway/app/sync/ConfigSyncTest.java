package dev.archway.app.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.app.sync.SyncFixture.Proxy;
import dev.archway.echo.EchoServer;
import dev.archway.ir.DataPlaneConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config sync end to end on real sockets: a sync server with mutual TLS, proxies with their own
 * data planes, echo backends, requests through the proxies.
 */
@Timeout(60)
class ConfigSyncTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private SyncFixture sync;
  private EchoServer a;
  private EchoServer b;

  @BeforeEach
  void start() throws Exception {
    sync = new SyncFixture(dir);
    a = sync.echo("a");
    b = sync.echo("b");
  }

  @AfterEach
  void stop() {
    sync.close();
  }

  @Test
  void deliversEachGatewaysConfigurationAndProgrammedFollowsTheAcknowledgements() {
    sync.server.publish(sync.config(null, a));
    assertThat(sync.server.unacknowledged())
        .containsEntry(SyncFixture.GATEWAY, "no proxy is connected to the controller");

    Proxy p1 = sync.proxy("p1", "127.0.0.2");
    Proxy p2 = sync.proxy("p2", "127.0.0.3");
    await().atMost(WAIT).until(() -> p1.client().serving() && p2.client().serving());
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));

    SyncServer.GatewayStatus status = sync.server.status().get(SyncFixture.GATEWAY);
    assertThat(status.programmed()).isTrue();
    assertThat(status.proxies())
        .extracting(SyncServer.ProxyStatus::proxyName, SyncServer.ProxyStatus::ackedVersion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("p1", status.version()),
            org.assertj.core.groups.Tuple.tuple("p2", status.version()));
    // A proxy gets its own Gateway and the destinations it uses, nothing else.
    DataPlaneConfig served = p1.client().appliedConfig();
    assertThat(served.gateways()).extracting(g -> g.name()).containsExactly("gateway/default/gw");
    assertThat(served.destinations())
        .extracting(d -> d.name())
        .containsExactly("service/default/web/80");
    // The other Gateway has no proxy, so it is not programmed.
    assertThat(sync.server.unacknowledged()).containsOnlyKeys("default/other");

    assertThat(p1.get(sync.gatewayPort)).isEqualTo("a");
    assertThat(p2.get(sync.gatewayPort)).isEqualTo("a");
  }

  @Test
  void aRejectedConfigurationIsNackedAndTheLastGoodOneKeepsServing() {
    Proxy p1 = sync.proxy("p1", "127.0.0.2");
    sync.server.publish(sync.config(null, a));
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    long good = p1.client().appliedVersion();

    sync.server.publish(sync.config("GE T", b)); // not an HTTP method: the data plane rejects it
    await()
        .atMost(WAIT)
        .until(
            () ->
                sync.server.status().get(SyncFixture.GATEWAY).proxies().get(0).nackedVersion()
                    > good);
    SyncServer.ProxyStatus p1Status =
        sync.server.status().get(SyncFixture.GATEWAY).proxies().get(0);
    assertThat(p1Status.nackError()).contains("method").contains("GE T");
    assertThat(p1Status.ackedVersion()).isEqualTo(good);
    assertThat(sync.server.unacknowledged().get(SyncFixture.GATEWAY))
        .startsWith("proxy p1 rejected configuration version " + p1Status.nackedVersion());
    assertThat(p1.client().appliedVersion()).isEqualTo(good);
    assertThat(p1.get(sync.gatewayPort)).isEqualTo("a");

    sync.server.publish(sync.config(null, b));
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    assertThat(p1.get(sync.gatewayPort)).isEqualTo("b");
  }

  @Test
  void anEndpointOnlyChangeIsSentAsADelta() {
    Proxy p1 = sync.proxy("p1", "127.0.0.2");
    sync.server.publish(sync.config(null, a));
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    assertThat(p1.client().fullUpdates()).isEqualTo(1);

    sync.server.publish(sync.config(null, b));
    // Endpoints only: the Gateway stays programmed while the proxy takes them.
    assertThat(sync.server.unacknowledged()).doesNotContainKey(SyncFixture.GATEWAY);
    await().atMost(WAIT).until(() -> p1.client().deltaUpdates() == 1);
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    assertThat(p1.client().fullUpdates()).isEqualTo(1);
    assertThat(p1.get(sync.gatewayPort)).isEqualTo("b");
    assertThat(p1.client().appliedConfig())
        .isEqualTo(GatewayConfigs.split(sync.config(null, b)).get(SyncFixture.GATEWAY));

    // A change to routes is a delta of its own kind: the routes that changed, and the rest by
    // position in what the proxy has. A second proxy of the Gateway, now serving the same
    // version, gets the same delta.
    Proxy p2 = sync.proxy("p2", "127.0.0.3");
    await().atMost(WAIT).until(() -> p2.client().appliedVersion() == p1.client().appliedVersion());
    sync.server.publish(sync.config("POST", b));
    for (Proxy p : List.of(p1, p2)) {
      await().atMost(WAIT).until(() -> p.client().changeUpdates() == 1);
    }
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    for (Proxy p : List.of(p1, p2)) {
      assertThat(p.client().fullUpdates()).isEqualTo(1);
      assertThat(p.client().appliedConfig())
          .isEqualTo(GatewayConfigs.split(sync.config("POST", b)).get(SyncFixture.GATEWAY));
      assertThat(p.get(sync.gatewayPort)).isEqualTo("404"); // GET no longer matches
    }

    sync.server.publish(sync.config(null, b));
    for (Proxy p : List.of(p1, p2)) {
      await().atMost(WAIT).until(() -> p.client().changeUpdates() == 2);
      assertThat(p.client().fullUpdates()).isEqualTo(1);
      assertThat(p.get(sync.gatewayPort)).isEqualTo("b");
    }
  }

  @Test
  void proxiesKeepServingWhileTheControllerIsDownAndReconnectWhenItReturns() throws Exception {
    Proxy p1 = sync.proxy("p1", "127.0.0.2");
    Proxy p2 = sync.proxy("p2", "127.0.0.3");
    try (ProxyAdmin admin =
        ProxyAdmin.start(
            new java.net.InetSocketAddress("127.0.0.1", 0), p1.client(), p1.dataPlane())) {
      assertThat(adminGet(admin, "/readyz")).isEqualTo(503); // nothing to serve yet
      restartController(p1, p2, admin);
    }
  }

  private void restartController(Proxy p1, Proxy p2, ProxyAdmin admin) throws Exception {
    sync.server.publish(sync.config(null, a));
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    long before = p1.client().appliedVersion();
    assertThat(adminGet(admin, "/readyz")).isEqualTo(200);

    sync.server.close();
    sync.server = null;
    await().atMost(WAIT).until(() -> !p1.client().connected() && !p2.client().connected());
    // Requests keep succeeding through both proxies while there is no controller, and the
    // proxies keep trying to reconnect (with backoff) meanwhile.
    for (int i = 0; i < 20; i++) {
      assertThat(p1.get(sync.gatewayPort)).isEqualTo("a");
      assertThat(p2.get(sync.gatewayPort)).isEqualTo("a");
    }
    assertThat(p1.client().serving()).isTrue();
    assertThat(adminGet(admin, "/readyz")).isEqualTo(200);

    // A new controller (same CA, as when it is kept in a Secret) with a new configuration; its
    // versions start again at 1, but continue above what the proxies report.
    sync.startServer(sync.syncPort);
    sync.server.publish(sync.config(null, b));
    await()
        .atMost(WAIT)
        .until(() -> p1.client().connections() == 2 && p2.client().connections() == 2);
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    assertThat(p1.client().appliedVersion()).isGreaterThan(before);
    assertThat(p1.get(sync.gatewayPort)).isEqualTo("b");
    assertThat(p2.get(sync.gatewayPort)).isEqualTo("b");
  }

  @Test
  void aProxyThatReconnectsBeforeTheRestartedControllerPublishesGetsAVersionAboveItsOwn()
      throws Exception {
    Proxy p1 = sync.proxy("p1", "127.0.0.2");
    sync.server.publish(sync.config(null, a));
    sync.server.publish(sync.config(null, a, b));
    await().atMost(WAIT).until(() -> p1.client().appliedVersion() == 2);

    sync.server.close();
    sync.startServer(sync.syncPort);
    // The proxy is subscribed before the new controller has anything to publish.
    await()
        .atMost(WAIT)
        .until(
            () ->
                sync.server.status().containsKey(SyncFixture.GATEWAY)
                    && !sync.server.status().get(SyncFixture.GATEWAY).proxies().isEmpty());
    sync.server.publish(sync.config(null, b));
    await()
        .atMost(WAIT)
        .until(() -> !sync.server.unacknowledged().containsKey(SyncFixture.GATEWAY));
    assertThat(p1.client().appliedVersion()).isGreaterThan(2);
    assertThat(p1.get(sync.gatewayPort)).isEqualTo("b");
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() {
    CertificateAuthority other =
        CertificateAuthority.create("someone-else", java.time.Clock.systemUTC());
    Path tls = dir.resolve("intruder");
    other.writeProxyFiles(tls, SyncFixture.GATEWAY, Duration.ofDays(1));
    // It does trust the real controller, so only its own certificate is wrong.
    sync.ca.writeFiles(tls.resolve("unused"), sync.ca.issueProxy("x/y", Duration.ofDays(1)));
    copy(tls.resolve("unused").resolve(TlsFiles.CA), tls.resolve(TlsFiles.CA));
    Proxy intruder = sync.proxy("intruder", "127.0.0.4", tls);
    Proxy good = sync.proxy("good", "127.0.0.2");
    sync.server.publish(sync.config(null, a));

    await().atMost(WAIT).until(() -> good.client().serving());
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !intruder.client().serving());
    assertThat(sync.server.status().get(SyncFixture.GATEWAY).proxies())
        .extracting(SyncServer.ProxyStatus::proxyName)
        .containsExactly("good");
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    sync.server.publish(sync.config(null, a));
    io.netty.handler.ssl.SslContext noCert =
        io.grpc.netty.GrpcSslContexts.forClient().trustManager(sync.ca.certificate()).build();
    io.grpc.ManagedChannel channel =
        io.grpc.netty.NettyChannelBuilder.forTarget("127.0.0.1:" + sync.syncPort)
            .sslContext(noCert)
            .build();
    try {
      java.util.concurrent.CompletableFuture<Throwable> failed =
          new java.util.concurrent.CompletableFuture<>();
      java.util.List<SyncProtocol.ConfigUpdate> received =
          new java.util.concurrent.CopyOnWriteArrayList<>();
      var requests =
          io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
              channel.newCall(SyncProtocol.STREAM, io.grpc.CallOptions.DEFAULT),
              new io.grpc.stub.StreamObserver<SyncProtocol.ConfigUpdate>() {
                @Override
                public void onNext(SyncProtocol.ConfigUpdate value) {
                  received.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  failed.complete(t);
                }

                @Override
                public void onCompleted() {
                  failed.complete(null);
                }
              });
      requests.onNext(
          SyncProtocol.ProxyMessage.of(
              new SyncProtocol.Subscribe("anonymous", SyncFixture.GATEWAY, 0)));
      Throwable error = failed.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(error).isNotNull();
      assertThat(io.grpc.Status.fromThrowable(error).getCode())
          .isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      assertThat(received).isEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aProxyCannotSubscribeToAnotherGatewayThanItsCertificateNames() {
    Path tls = dir.resolve("elsewhere");
    sync.ca.writeProxyFiles(tls, "default/other", Duration.ofDays(1));
    Proxy wrong = sync.proxy("wrong", "127.0.0.4", tls); // subscribes to default/gw
    sync.server.publish(sync.config(null, a));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !wrong.client().serving());
    assertThat(sync.server.status().get(SyncFixture.GATEWAY).proxies()).isEmpty();
    assertThat(sync.server.unacknowledged()).containsKey(SyncFixture.GATEWAY);
  }

  private static int adminGet(ProxyAdmin admin, String path) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  private static void copy(Path from, Path to) {
    try {
      java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
