package dev.archway.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code archway version}: prints the version of this build. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

  /** The version recorded in the jar's manifest, or {@code dev} when run from classes. */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public void run() {
    System.out.println("archway " + version());
  }

  /** Supplies {@code --version} with the same text. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"archway " + version()};
    }
  }
}
