package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.json.Word;
import dev.updraft.deploy.spec.DatabaseEngine;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The pinned database servers: real server programs inside jars on updraft's class path (PostgreSQL
 * as a {@code .txz}, Redis as one static program), unpacked once into a cache. A server's directory
 * is named after its artifact's version and its jar entry's CRC-32, so a changed jar never reuses
 * an old unpacking; it is unpacked beside its final name and renamed into place, so a directory
 * under that name is always complete, whoever unpacked it.
 */
final class PinnedServers {
  static final String PROPERTIES = "servers.properties";

  /**
   * One pinned server.
   *
   * @param version the server's own version, e.g. {@code 18.7}
   * @param artifact the Maven coordinates it comes from
   * @param resource the jar entry holding it
   */
  record Bundle(DatabaseEngine engine, String version, String artifact, String resource) {
    Bundle {
      if (engine == null) {
        throw new IllegalArgumentException(
            "engine: null (expected one of " + Word.words(DatabaseEngine.class) + ")");
      }
      if (artifact.split(":").length != 3) {
        throw new IllegalArgumentException(
            "artifact: " + artifact + " (expected: group:artifact:version)");
      }
    }

    String artifactVersion() {
      return artifact.substring(artifact.lastIndexOf(':') + 1);
    }
  }

  private final ClassLoader loader;
  private final Path cache;
  private final Map<DatabaseEngine, Bundle> bundles;

  PinnedServers(ClassLoader loader, Path cache, Map<DatabaseEngine, Bundle> bundles) {
    this.loader = loader;
    this.cache = cache;
    this.bundles = Map.copyOf(bundles);
  }

  /** The servers {@code servers.properties} names, found through {@code loader}. */
  static PinnedServers load(ClassLoader loader, Path cache) {
    Properties properties = new Properties();
    try (InputStream in = PinnedServers.class.getResourceAsStream(PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException(PROPERTIES + " is missing from updraft's class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<DatabaseEngine, Bundle> bundles = new EnumMap<>(DatabaseEngine.class);
    String postgres = properties.getProperty("postgres.artifact");
    // The artifact's version is PostgreSQL's with a packaging number: 18.7.0 holds 18.7.
    String postgresVersion = postgres.substring(postgres.lastIndexOf(':') + 1);
    bundles.put(
        DatabaseEngine.POSTGRES,
        new Bundle(
            DatabaseEngine.POSTGRES,
            postgresVersion.substring(0, postgresVersion.lastIndexOf('.')),
            postgres,
            properties.getProperty("postgres.resource")));
    bundles.put(
        DatabaseEngine.REDIS,
        new Bundle(
            DatabaseEngine.REDIS,
            properties.getProperty("redis.version"),
            properties.getProperty("redis.artifact"),
            properties.getProperty("redis.resource")));
    return new PinnedServers(loader, cache, bundles);
  }

  Path cache() {
    return cache;
  }

  Bundle bundle(DatabaseEngine engine) {
    Bundle bundle = bundles.get(engine);
    if (bundle == null) {
      throw new IllegalArgumentException(
          "engine: " + engine + " (expected: one of " + bundles.keySet() + ")");
    }
    return bundle;
  }

  /** The directory a bundle is (or would be) unpacked in; empty when its jar is not here. */
  Optional<Path> home(Bundle bundle) {
    URL url = loader.getResource(bundle.resource());
    if (url == null) {
      return Optional.empty();
    }
    String key =
        bundle.engine()
            + "-"
            + bundle.artifactVersion()
            + "-"
            + HexFormat.of().toHexDigits((int) crc(url));
    return Optional.of(cache.resolve(key));
  }

  /** The bundle's programs, unpacked on first use: its {@code bin} directory. */
  Path unpack(Bundle bundle) {
    URL url = loader.getResource(bundle.resource());
    Path home =
        home(bundle)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        bundle.resource()
                            + " ("
                            + bundle.artifact()
                            + ") is not on the class path"));
    if (Files.isDirectory(home)) {
      return home.resolve("bin");
    }
    Path temp = null;
    try {
      Files.createDirectories(cache);
      // Traversable whatever the umask: as root, the servers run as an unprivileged user.
      for (Path dir : List.of(cache.getParent(), cache)) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      temp = Files.createTempDirectory(cache, "." + home.getFileName() + ".");
      if (bundle.resource().endsWith(".txz")) {
        untar(url, temp);
      } else {
        Path program = temp.resolve("bin").resolve(bundle.engine() + "-server");
        Files.createDirectories(program.getParent());
        try (InputStream in = url.openStream()) {
          Files.copy(in, program);
        }
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      // Readable by everyone: as root, servers run as an unprivileged user.
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(temp, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isDirectory(home)) {
          throw e;
        }
        // Another process unpacked the same bundle first; theirs is as good as ours.
      }
      return home.resolve("bin");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + bundle.artifact() + " into " + cache, e);
    } finally {
      if (temp != null && Files.exists(temp)) {
        try {
          Artifacts.deleteTree(temp);
        } catch (IOException e) {
          // A leftover hidden directory does no harm; the next unpack makes its own.
        }
      }
    }
  }

  private static void untar(URL url, Path into) throws IOException {
    try (InputStream raw = url.openStream();
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path out = into.resolve(entry.getName()).normalize();
        if (out.equals(into)) {
          continue; // "./"
        }
        if (!out.startsWith(into)) {
          throw new IOException("archive entry outside its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
          continue;
        }
        Files.createDirectories(out.getParent());
        if (entry.isSymbolicLink()) {
          Path target = Path.of(entry.getLinkName());
          if (target.isAbsolute() || !out.resolveSibling(target).normalize().startsWith(into)) {
            throw new IOException(
                "archive link outside its directory: " + entry.getName() + " -> " + target);
          }
          Files.createSymbolicLink(out, target);
        } else if (entry.isLink()) {
          Path target = into.resolve(entry.getLinkName()).normalize();
          if (!target.startsWith(into)) {
            throw new IOException(
                "archive link outside its directory: " + entry.getName() + " -> " + target);
          }
          Files.createLink(out, target);
        } else if (entry.isFile()) {
          Files.copy(tar, out);
          Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
      }
    }
  }

  /** A tar mode's permission bits, made readable by everyone (see {@link #unpack}). */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions =
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
    if ((mode & 0111) != 0) {
      permissions.addAll(
          EnumSet.of(
              PosixFilePermission.OWNER_EXECUTE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE));
    }
    return permissions;
  }

  /** The CRC-32 the jar's directory records for the entry; computed when it is a plain file. */
  private static long crc(URL url) {
    try {
      URLConnection connection = url.openConnection();
      if (connection instanceof JarURLConnection jar) {
        jar.setUseCaches(false);
        try (var file = jar.getJarFile()) {
          return file.getEntry(jar.getEntryName()).getCrc();
        }
      }
      CRC32 crc = new CRC32();
      try (InputStream in = connection.getInputStream()) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          crc.update(buffer, 0, n);
        }
      }
      return crc.getValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
