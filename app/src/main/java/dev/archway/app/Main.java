package dev.archway.app;

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
    System.exit(run(args));
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
