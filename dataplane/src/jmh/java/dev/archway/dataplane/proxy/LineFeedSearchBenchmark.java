package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
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
 * Finding every line feed of a request head in a direct buffer, as the listener's decoder does
 * before Netty parses the head (to reject obs-fold lines, {@link Http1ServerCodec}): a byte at a
 * time through a {@link ByteProcessor} of its own (as it did), with Netty's {@code ByteBuf.indexOf}, and eight
 * bytes at a time ({@link Http1ServerCodec#indexOfLf}, as it does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class LineFeedSearchBenchmark {
  @Param({"wrk", "browser"})
  public String head;

  /**
   * A processor of Netty's own, such as {@code ByteProcessor.FIND_LF}, is searched for with {@code
   * indexOf}; the decoder's scan was a processor with state of its own, called for every byte.
   */
  private static final ByteProcessor NOT_LF = b -> b != '\n';

  private ByteBuf buffer;

  @Setup
  public void head() {
    byte[] bytes =
        (head.equals("wrk") ? ProxyHeadersBenchmark.WRK : ProxyHeadersBenchmark.BROWSER)
            .getBytes(StandardCharsets.ISO_8859_1);
    buffer = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown
  public void release() {
    buffer.release();
  }

  @Benchmark
  public int byteAtATime() {
    int sum = 0;
    int to = buffer.writerIndex();
    for (int i = buffer.forEachByte(0, to, NOT_LF);
        i >= 0;
        i = i + 1 < to ? buffer.forEachByte(i + 1, to - i - 1, NOT_LF) : -1) {
      sum += i;
    }
    return sum;
  }

  @Benchmark
  public int nettyIndexOf() {
    int sum = 0;
    int to = buffer.writerIndex();
    for (int i = buffer.indexOf(0, to, (byte) '\n'); i >= 0; i = buffer.indexOf(i + 1, to, (byte) '\n')) {
      sum += i;
    }
    return sum;
  }

  @Benchmark
  public int wordAtATime() {
    int sum = 0;
    int to = buffer.writerIndex();
    for (int i = Http1ServerCodec.indexOfLf(buffer, 0, to);
        i >= 0;
        i = Http1ServerCodec.indexOfLf(buffer, i + 1, to)) {
      sum += i;
    }
    return sum;
  }
}
