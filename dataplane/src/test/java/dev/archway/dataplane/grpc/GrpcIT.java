package dev.archway.dataplane.grpc;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.E2e;
import dev.archway.dataplane.Ir;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.PathMatch;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * grpc-java through the gateway: a real client (plaintext h2c with prior knowledge) on an HTTP
 * listener, real servers behind it, routes shaped as the translator emits them for GRPCRoute
 * (service prefix, exact method, method-only regex, headers; POST; gRPC options).
 */
class GrpcIT {
  private static final long TIMEOUT_SECONDS = 10;
  private static GrpcBackend a;
  private static GrpcBackend b;
  private static DataPlane dataPlane;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    a = new GrpcBackend("a");
    b = new GrpcBackend("b");
    int port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        Ir.listener(
                            port,
                            vhost(
                                "gateway/default/gw/listener/http",
                                "*",
                                grpcRoute(
                                    "canary",
                                    Ir.withHeader(
                                        match(PathMatch.Type.EXACT, "/test.Echo/Echo"),
                                        "x-canary",
                                        "yes"),
                                    "b"),
                                grpcRoute(
                                    "echo", match(PathMatch.Type.PATH_PREFIX, "/test.Echo"), "a"),
                                grpcRoute(
                                    "hello", match(PathMatch.Type.EXACT, "/test.Other/Hello"), "b"),
                                grpcRoute(
                                    "hi",
                                    match(PathMatch.Type.REGULAR_EXPRESSION, "/[^/]+/Hi"),
                                    "b"))),
                        h2c("a", a),
                        h2c("b", b)))
                .allBound())
        .isTrue();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .overrideAuthority("grpc.example.com")
            .build();
  }

  private static HttpMatch match(PathMatch.Type type, String value) {
    return new HttpMatch(new PathMatch(type, value), "POST", null, null);
  }

  private static HttpRoute grpcRoute(String name, HttpMatch match, String destination) {
    return new HttpRoute(
        "grpcroute/default/" + name + "/rule/0/match/0",
        "*",
        match,
        List.of(),
        List.of(backend(destination, 1)),
        new HttpRouteOptions(List.of(), null, null, null, null, true));
  }

  private static Destination h2c(String name, GrpcBackend backend) {
    return new Destination(
        name, Destination.AppProtocol.H2C, List.of(new Endpoint("127.0.0.1", backend.port())));
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    dataPlane.close();
    a.close();
    b.close();
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static String unary(io.grpc.MethodDescriptor<String, String> method, String request) {
    return ClientCalls.blockingUnaryCall(channel, method, deadline(), request);
  }

  @Test
  void unaryCallsAreRoutedByServiceMethodAndHeader() {
    Metadata canary = new Metadata();
    canary.put(io.grpc.Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), "yes");
    io.grpc.Channel withCanary =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(canary));

    assertThat(unary(GrpcBackend.ECHO, "one")).isEqualTo("a:one");
    assertThat(ClientCalls.blockingUnaryCall(withCanary, GrpcBackend.ECHO, deadline(), "two"))
        .isEqualTo("b:two");
    assertThat(unary(GrpcBackend.HELLO, "you")).isEqualTo("b:Hello you");
    assertThat(unary(GrpcBackend.HI, "there")).isEqualTo("b:Hi there");
  }

  @Test
  void serverStreamingDeliversEveryMessage() {
    Iterator<String> replies =
        ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.SPLIT, deadline(), "500");
    List<String> all = new ArrayList<>();
    replies.forEachRemaining(all::add);

    assertThat(all).hasSize(500);
    assertThat(all.get(0)).startsWith("a:0:");
    assertThat(all.get(499)).startsWith("a:499:");
  }

  @Test
  void clientStreamingSendsEveryMessage() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    StreamObserver<String> requests =
        ClientCalls.asyncClientStreamingCall(
            channel.newCall(GrpcBackend.JOIN, deadline()), observer(result, null));
    String chunk = "y".repeat(4096);
    for (int i = 0; i < 200; i++) {
      requests.onNext(chunk);
    }
    requests.onCompleted();

    assertThat(result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("a:200:" + 200 * 4096);
  }

  @Test
  void bidiStreamingIsInterleaved() throws Exception {
    BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    CompletableFuture<String> done = new CompletableFuture<>();
    StreamObserver<String> requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(GrpcBackend.CHAT, deadline()), observer(done, replies));
    // Ping-pong: each message is sent only after the previous answer came back, which works only
    // if the gateway streams both ways while the request is still open.
    for (int i = 0; i < 20; i++) {
      requests.onNext("ping " + i);
      assertThat(replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("a:ping " + i);
    }
    requests.onCompleted();

    assertThat(done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("completed");
  }

  @Test
  void metadataAndTrailersRoundTrip() {
    Metadata headers = new Metadata();
    headers.put(GrpcBackend.META, "from-the-client");
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    io.grpc.Channel intercepted =
        ClientInterceptors.intercept(
            channel,
            MetadataUtils.newAttachHeadersInterceptor(headers),
            MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers));

    String reply = ClientCalls.blockingUnaryCall(intercepted, GrpcBackend.ECHO, deadline(), "m");

    assertThat(reply).isEqualTo("a:m");
    assertThat(responseHeaders.get().get(GrpcBackend.ECHO_META)).isEqualTo("from-the-client");
    assertThat(trailers.get().get(GrpcBackend.SERVED_BY)).isEqualTo("a");
  }

  @Test
  void errorStatusesAndTheirTrailersReachTheClient() {
    assertThatThrownBy(() -> unary(GrpcBackend.ECHO, "fail"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("no good: fail");
              assertThat(e.getTrailers().get(GrpcBackend.DETAIL)).isEqualTo("details for a");
            });
  }

  @Test
  void unmatchedCallsAreUnimplementedAtTheGateway() {
    io.grpc.MethodDescriptor<String, String> missing =
        GrpcBackend.method("test.Missing", "Call", io.grpc.MethodDescriptor.MethodType.UNARY);
    io.grpc.MethodDescriptor<String, String> otherMethod =
        GrpcBackend.method("test.Other", "Nope", io.grpc.MethodDescriptor.MethodType.UNARY);

    for (io.grpc.MethodDescriptor<String, String> method : List.of(missing, otherMethod)) {
      assertThatThrownBy(() -> unary(method, "x"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                // Answered by the gateway, not by a backend (which would name itself).
                assertThat(e.getTrailers().get(GrpcBackend.SERVED_BY)).isNull();
              });
    }
  }

  @Test
  void aMethodTheBackendLacksIsItsOwnUnimplemented() {
    io.grpc.MethodDescriptor<String, String> absent =
        GrpcBackend.method("test.Echo", "Absent", io.grpc.MethodDescriptor.MethodType.UNARY);

    assertThatThrownBy(() -> unary(absent, "x"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription()).contains("test.Echo/Absent");
            });
  }

  @Test
  void anExceededDeadlineReachesTheBackend() throws Exception {
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    GrpcBackend.SLEEP,
                    CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS),
                    "zzz"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    // grpc-timeout was forwarded, and the call ended on the backend too.
    assertThat(a.sleepCancelled.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(a.sleepHadDeadline).isTrue();
    // The connection is still good for the next call.
    assertThat(unary(GrpcBackend.ECHO, "after")).isEqualTo("a:after");
  }

  private static StreamObserver<String> observer(
      CompletableFuture<String> result, BlockingQueue<String> each) {
    return new StreamObserver<>() {
      @Override
      public void onNext(String value) {
        if (each == null) {
          result.complete(value);
        } else {
          each.add(value);
        }
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete("completed");
      }
    };
  }
}
