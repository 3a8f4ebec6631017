package dev.pulldoctor.agent.cli;

import java.util.Objects;
import picocli.CommandLine;

/** The version from the jar manifest ({@code dev} when run from classes). */
final class VersionInfo implements CommandLine.IVersionProvider {
  static String version() {
    return Objects.requireNonNullElse(Main.class.getPackage().getImplementationVersion(), "dev");
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "pulldoctor " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
