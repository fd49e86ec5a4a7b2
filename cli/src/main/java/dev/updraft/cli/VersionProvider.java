package dev.updraft.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code updraft --version}: updraft's version and commit, then the JVM running it. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Runtime.Version java = Runtime.version();
    return new String[] {
      BuildInfo.load().describe(),
      "Java " + java + " (" + System.getProperty("java.vm.vendor", "unknown vendor") + ")"
    };
  }
}
