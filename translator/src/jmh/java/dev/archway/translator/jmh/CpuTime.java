package dev.archway.translator.jmh;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.translator.Translator;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;

/**
 * The same scenarios as {@link TranslatorBenchmark}, timed by the translating thread's CPU time
 * rather than the wall clock, which on a shared, busy machine mostly measures the neighbours. Run
 * with {@code java -cp translator/target/jmh/benchmarks.jar
 * dev.archway.translator.jmh.CpuTime [warmups] [runs]}.
 */
public final class CpuTime {
  private CpuTime() {}

  /** CPU time of every thread of the JVM so far: the translation, the collector and the JIT. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Time spent in collections so far (wall time); not part of the thread's CPU time. */
  private static long gcMillis() {
    long total = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  public static void main(String[] args) {
    int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    RuntimeFacts facts = RuntimeFacts.NONE.withNow(Instant.parse("2027-01-01T00:00:00Z"));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    for (String scenario : new String[] {"1000routes-100gateways", "10000routes-1gateway"}) {
      ResourceSnapshot snapshot =
          scenario.startsWith("1000routes")
              ? Scenarios.manyGateways(100, 10, 100)
              : Scenarios.oneGateway(10_000, 100);
      for (int i = 0; i < warmups; i++) {
        Translator.translate(snapshot, facts);
      }
      double[] cpu = new double[runs];
      double[] wall = new double[runs];
      long[] bytes = new long[runs];
      long gc0 = gcMillis();
      long p0 = processCpuNanos();
      for (int i = 0; i < runs; i++) {
        long c0 = threads.getCurrentThreadCpuTime();
        long a0 = threads.getThreadAllocatedBytes(id);
        long w0 = System.nanoTime();
        Translator.translate(snapshot, facts);
        wall[i] = (System.nanoTime() - w0) / 1e6;
        cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        bytes[i] = threads.getThreadAllocatedBytes(id) - a0;
      }
      double gc = (gcMillis() - gc0) / (double) runs;
      double process = (processCpuNanos() - p0) / 1e6 / runs;
      Arrays.sort(cpu);
      Arrays.sort(wall);
      Arrays.sort(bytes);
      System.out.printf(
          "%-24s cpu ms/op: min %.1f median %.1f max %.1f | wall ms/op median %.1f |"
              + " allocated MB/op median %.1f | GC ms/op mean %.1f | process cpu ms/op mean %.1f%n",
          scenario,
          cpu[0],
          cpu[runs / 2],
          cpu[runs - 1],
          wall[runs / 2],
          bytes[runs / 2] / 1e6,
          gc,
          process);
    }
  }
}
