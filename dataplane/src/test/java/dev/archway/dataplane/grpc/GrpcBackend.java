package dev.archway.dataplane.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real grpc-java server (h2c) with hand-written methods whose messages are UTF-8 strings, so no
 * protoc is needed. Service {@code test.Echo}: {@code Echo} (unary, answers {@code name:request};
 * {@code fail} fails with INVALID_ARGUMENT and a trailer), {@code Split} (server streaming: N
 * messages of 1 KiB), {@code Join} (client streaming: count and total length), {@code Chat} (bidi:
 * each message echoed at once) and {@code Sleep} (never answers; records its deadline and
 * cancellation). Service {@code test.Other}: {@code Hello} and {@code Hi} (unary). Every call gets
 * response header {@code x-echo-meta} (the request's {@code x-meta}) and trailer {@code
 * x-served-by} (the server's name).
 */
final class GrpcBackend implements AutoCloseable {
  static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final Metadata.Key<String> META = key("x-meta");
  static final Metadata.Key<String> ECHO_META = key("x-echo-meta");
  static final Metadata.Key<String> SERVED_BY = key("x-served-by");
  static final Metadata.Key<String> DETAIL = key("x-detail");

  static final MethodDescriptor<String, String> ECHO =
      method("test.Echo", "Echo", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> SPLIT =
      method("test.Echo", "Split", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<String, String> JOIN =
      method("test.Echo", "Join", MethodDescriptor.MethodType.CLIENT_STREAMING);
  static final MethodDescriptor<String, String> CHAT =
      method("test.Echo", "Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
  static final MethodDescriptor<String, String> SLEEP =
      method("test.Echo", "Sleep", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> HELLO =
      method("test.Other", "Hello", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> HI =
      method("test.Other", "Hi", MethodDescriptor.MethodType.UNARY);

  private final String name;
  private final Server server;

  /** Set when a Sleep call arrived with a deadline (the client's grpc-timeout was forwarded). */
  final AtomicBoolean sleepHadDeadline = new AtomicBoolean();

  /** Counted down when a Sleep call is cancelled. */
  final CountDownLatch sleepCancelled = new CountDownLatch(1);

  static MethodDescriptor<String, String> method(
      String service, String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  GrpcBackend(String name) throws IOException {
    this.name = name;
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(ECHO, ServerCalls.asyncUnaryCall(this::echo))
            .addMethod(SPLIT, ServerCalls.asyncServerStreamingCall(this::split))
            .addMethod(JOIN, ServerCalls.asyncClientStreamingCall(this::join))
            .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
            .addMethod(SLEEP, ServerCalls.asyncUnaryCall(this::sleep))
            .build();
    ServerServiceDefinition other =
        ServerServiceDefinition.builder("test.Other")
            .addMethod(HELLO, ServerCalls.asyncUnaryCall((r, o) -> reply(o, "Hello " + r)))
            .addMethod(HI, ServerCalls.asyncUnaryCall((r, o) -> reply(o, "Hi " + r)))
            .build();
    ServerInterceptor metadata = new MetadataInterceptor();
    this.server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(echo, metadata))
            .addService(ServerInterceptors.intercept(other, metadata))
            .build()
            .start();
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  private void reply(StreamObserver<String> out, String message) {
    out.onNext(name + ":" + message);
    out.onCompleted();
  }

  private void echo(String request, StreamObserver<String> out) {
    if (request.equals("fail")) {
      Metadata trailers = new Metadata();
      trailers.put(DETAIL, "details for " + name);
      out.onError(
          Status.INVALID_ARGUMENT.withDescription("no good: fail").asRuntimeException(trailers));
      return;
    }
    reply(out, request);
  }

  private void split(String request, StreamObserver<String> out) {
    String filler = "x".repeat(1024);
    int n = Integer.parseInt(request);
    for (int i = 0; i < n; i++) {
      out.onNext(name + ":" + i + ":" + filler);
    }
    out.onCompleted();
  }

  private StreamObserver<String> join(StreamObserver<String> out) {
    return new StreamObserver<>() {
      private int count;
      private long length;

      @Override
      public void onNext(String value) {
        count++;
        length += value.length();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        reply(out, count + ":" + length);
      }
    };
  }

  private StreamObserver<String> chat(StreamObserver<String> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(String value) {
        out.onNext(name + ":" + value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private void sleep(String request, StreamObserver<String> out) {
    io.grpc.Context context = io.grpc.Context.current();
    sleepHadDeadline.set(context.getDeadline() != null);
    context.addListener(c -> sleepCancelled.countDown(), Runnable::run);
  }

  /** Echoes {@code x-meta} as a response header and names the server in a trailer. */
  private final class MetadataInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String meta = headers.get(META);
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              if (meta != null) {
                responseHeaders.put(ECHO_META, meta);
              }
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              trailers.put(SERVED_BY, name);
              super.close(status, trailers);
            }
          },
          headers);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
