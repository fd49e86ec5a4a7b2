package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs the packaged CLI jar, as users run it, for process tests. */
final class PackagedCli {
  static final Path JAR = Path.of("target/updraft.jar");

  private PackagedCli() {}

  /** {@code java --enable-native-access=ALL-UNNAMED -jar target/updraft.jar <args>}. */
  static List<String> command(String... args) {
    assertThat(JAR).as("packaged CLI (the package phase runs before integration tests)").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }
}
