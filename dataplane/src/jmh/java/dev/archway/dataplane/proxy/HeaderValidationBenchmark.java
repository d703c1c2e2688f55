package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Netty's header validation costs when a response head is decoded: nginx's small response
 * through Netty's response decoder with validation on (as the data plane decodes upstream
 * responses) and off. JFR's samples put about 5 % of the event loop's time on name validation;
 * this measures it directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(3)
public class HeaderValidationBenchmark {
  private static final String BODY = "hello from the bench backend\n";

  @Param({"true", "false"})
  public boolean validate;

  private EmbeddedChannel channel;
  private ByteBuf response;

  @Setup
  public void decoder() {
    channel =
        new EmbeddedChannel(
            new HttpResponseDecoder(new HttpDecoderConfig().setValidateHeaders(validate)));
    byte[] bytes = (ProxyHeadersBenchmark.NGINX + BODY).getBytes(StandardCharsets.ISO_8859_1);
    response = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown
  public void release() {
    channel.finishAndReleaseAll();
    response.release();
  }

  @Benchmark
  public int decode() {
    channel.writeInbound(response.retainedDuplicate());
    int messages = 0;
    Object message;
    while ((message = channel.readInbound()) != null) {
      messages++;
      ReferenceCountUtil.release(message);
    }
    return messages;
  }
}
