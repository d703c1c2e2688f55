package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the {@code ./archway} launcher chooses (docs/benchmarks.md, "JVM settings, and
 * why"), read back from the JVM itself ({@code -XX:+PrintFlagsFinal}) while it runs {@code archway
 * version}: G1 without concurrent refinement threads, with an early promotion age and a young
 * generation of at most 64 MiB a CPU by default, trimming the C heap every 2 s, and the user's
 * {@code ARCHWAY_JAVA_OPTS} winning over each choice.
 */
class LauncherJvmOptionsIT {
  @TempDir Path dir;

  @Test
  void runsG1WithoutConcurrentRefinementThreadsPromotingAfterTwoCollections() throws Exception {
    String flags = versionWith("-XX:+PrintFlagsFinal");
    assertThat(flag(flags, "UseG1GC")).isEqualTo("true");
    assertThat(flag(flags, "G1ConcRefinementThreads")).isEqualTo("0");
    assertThat(flag(flags, "MaxTenuringThreshold")).isEqualTo("2");
  }

  @Test
  void theUsersCollectorReplacesG1() throws Exception {
    // The JVM refuses two collectors, so the launcher must leave G1 out, not just add it first.
    String flags = versionWith("-XX:+UseSerialGC -XX:+PrintFlagsFinal");
    assertThat(flag(flags, "UseSerialGC")).isEqualTo("true");
    assertThat(flag(flags, "UseG1GC")).isEqualTo("false");
    // The promotion age was measured with G1 only: another collector keeps the JVM's own.
    assertThat(flag(flags, "MaxTenuringThreshold")).isEqualTo("15");
  }

  @Test
  void theUsersG1SettingsWin() throws Exception {
    // 3, not a count G1 would pick by itself on a 1- or 2-CPU machine; 6, neither 2 nor 15.
    String flags =
        versionWith(
            "-XX:G1ConcRefinementThreads=3 -XX:MaxTenuringThreshold=6 -XX:+PrintFlagsFinal");
    assertThat(flag(flags, "G1ConcRefinementThreads")).isEqualTo("3");
    assertThat(flag(flags, "MaxTenuringThreshold")).isEqualTo("6");
  }

  @Test
  void capsTheYoungGenerationAt64MiBForEachCpuItMayRunOn() throws Exception {
    String flags = versionWith("-XX:+PrintFlagsFinal");
    assertThat(Long.parseLong(flag(flags, "MaxNewSize"))).isEqualTo(launchersCap());
  }

  @Test
  void theUsersYoungGenerationSizeWins() throws Exception {
    long cap = launchersCap();
    // 96 MiB: neither 64 MiB times a CPU count nor the JVM's own choice on this machine.
    for (String choice : List.of("-Xmn96m", "-XX:MaxNewSize=96m")) {
      String flags = versionWith(choice + " -XX:+PrintFlagsFinal");
      assertThat(flag(flags, "MaxNewSize")).as(choice).isEqualTo(String.valueOf(96L << 20));
    }
    for (String choice : List.of("-XX:NewSize=96m", "-XX:NewRatio=3")) {
      String flags = versionWith(choice + " -XX:+PrintFlagsFinal");
      assertThat(Long.parseLong(flag(flags, "MaxNewSize"))).as(choice).isNotEqualTo(cap);
    }
  }

  @Test
  void trimsTheNativeHeapEveryTwoSeconds() throws Exception {
    // The launcher and Maven pick the JDK the same way (scripts/java-home.sh), so this JVM's
    // version is the launched one's.
    assumeTrue(trimIsAProductFlag(), "the flag is experimental in this JDK");
    assertThat(flag(versionWith("-XX:+PrintFlagsFinal"), "TrimNativeHeapInterval"))
        .isEqualTo("2000");
  }

  @Test
  void theUsersNativeHeapTrimIntervalWins() throws Exception {
    assumeTrue(trimIsAProductFlag(), "the flag is experimental in this JDK");
    for (String interval : List.of("0", "700")) {
      String flags =
          versionWith("-XX:TrimNativeHeapInterval=" + interval + " -XX:+PrintFlagsFinal");
      assertThat(flag(flags, "TrimNativeHeapInterval")).isEqualTo(interval);
    }
  }

  /** JDK 21.0.4 and later 21 updates, and 23 on, as the launcher decides. */
  private static boolean trimIsAProductFlag() {
    Runtime.Version version = Runtime.version();
    return version.feature() >= 23 || (version.feature() == 21 && version.update() >= 4);
  }

  /** 64 MiB for each CPU {@code nproc} counts, as the launcher computes it. */
  private static long launchersCap() throws Exception {
    Process nproc = new ProcessBuilder("nproc").redirectErrorStream(true).start();
    String cpus = new String(nproc.getInputStream().readAllBytes()).trim();
    assertThat(nproc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(cpus) * 64 * 1024 * 1024;
  }

  /** The value the JVM printed for one flag in its {@code -XX:+PrintFlagsFinal} table. */
  private static String flag(String output, String name) {
    return output
        .lines()
        .map(String::trim)
        .map(line -> line.split("\\s+"))
        .filter(words -> words.length >= 4 && words[1].equals(name) && words[2].equals("="))
        .map(words -> words[3])
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in:\n" + output));
  }

  /** {@code ./archway version} of this checkout with these ARCHWAY_JAVA_OPTS; its output. */
  private String versionWith(String javaOptions) throws Exception {
    Path root = ArchwayProcess.jar().toAbsolutePath().getParent().getParent().getParent();
    Path log = Files.createTempFile(dir, "version", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(List.of(root.resolve("archway").toString(), "version"));
    builder.environment().put("ARCHWAY_JAVA_OPTS", javaOptions);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("ARCHWAY_AOT_CACHE");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("archway ");
    return output;
  }
}
