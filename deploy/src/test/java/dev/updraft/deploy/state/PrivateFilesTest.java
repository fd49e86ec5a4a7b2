package dev.updraft.deploy.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void directoriesAndFilesAreTheOwnersOnly() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path logs = PrivateFiles.directories(dir.resolve("state/logs"));
    assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
    assertThat(mode(logs)).isEqualTo("rwx------");
    assertThat(mode(dir)).as("a directory that was there keeps its mode").isEqualTo("rwxr-xr-x");

    Path table = dir.resolve("state/supervisor.json");
    PrivateFiles.write(table, "one");
    assertThat(mode(table)).isEqualTo("rw-------");
    PrivateFiles.write(table, "two");
    assertThat(table).hasContent("two");
    assertThat(mode(table)).isEqualTo("rw-------");

    Path log = PrivateFiles.touch(logs.resolve("web-1.log"));
    assertThat(mode(log)).isEqualTo("rw-------");
    Files.writeString(log, "kept");
    PrivateFiles.touch(log);
    assertThat(log).hasContent("kept");
    try (var files = Files.list(dir.resolve("state"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file left behind")
          .containsExactlyInAnyOrder("logs", "supervisor.json");
    }
  }

  @Test
  void aCopyKeepsTheOwnersPermissionsOnly() throws IOException {
    Path run = dir.resolve("run");
    Files.writeString(run, "echo hi\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = dir.resolve("data.txt");
    Files.writeString(data, "x");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r--r--"));

    PrivateFiles.copy(run, dir.resolve("run-copy"));
    PrivateFiles.copy(data, dir.resolve("data-copy"));

    assertThat(mode(dir.resolve("run-copy"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("data-copy"))).isEqualTo("rw-------");
    assertThat(dir.resolve("run-copy")).hasContent("echo hi");
  }

  @Test
  void aStateDirectoryAnOlderUpdraftMadeIsTightenedWithAllInIt() throws IOException {
    Path state = Files.createDirectories(dir.resolve(".updraft/shop/logs"));
    Files.writeString(state.resolve("web-1.log"), "hello");
    Path root = dir.resolve(".updraft/shop");
    Files.writeString(root.resolve("supervisor.json"), "{}");
    for (Path p : new Path[] {root, state}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(
        root.resolve("supervisor.json"), PosixFilePermissions.fromString("rw-r--r--"));

    PrivateFiles.privateRoot(root);

    assertThat(mode(root)).isEqualTo("rwx------");
    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(mode(root.resolve("supervisor.json"))).isEqualTo("rw-------");
    assertThat(mode(state.resolve("web-1.log"))).isEqualTo("rw-------");
  }
}
