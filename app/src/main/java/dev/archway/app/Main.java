package dev.archway.app;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code archway} command: dispatches to one subcommand per mode. */
@Command(
    name = "archway",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "A Kubernetes Gateway API implementation: control plane and data plane.",
    subcommands = {
      RunCommand.class,
      ControllerCommand.class,
      ProxyCommand.class,
      TranslateCommand.class,
      StatusCommand.class,
      EchoCommand.class,
      VersionCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    disableLeakDetectionUnlessAsked();
    System.exit(run(args));
  }

  /**
   * Netty samples buffer allocations to report leaks unless told otherwise, and every message that
   * passes a handler is "touched" for it: 7 % of keep-alive throughput in the bench
   * (docs/benchmarks.md). The tests run with {@code -Dio.netty.leakDetection.level=paranoid}, which
   * is where leaks are looked for; anyone can ask for it here with the same property.
   */
  private static void disableLeakDetectionUnlessAsked() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
