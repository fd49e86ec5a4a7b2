package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.apply.DeployException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * As root, the directories above PostgreSQL clusters: the shared one root's and only traversable,
 * an environment's its servers' user's and private, those an older updraft left open tightened. Run
 * on a directory of the test's own in place of /var/tmp/updraft-postgres, which other checkouts'
 * tests use at the same time.
 */
@EnabledIf(value = "dev.updraft.sys.Host#isRoot", disabledReason = "needs root to switch users")
class ClustersIT {
  @TempDir Path dir;

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  private static String owner(Path path) throws Exception {
    return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
  }

  private static void chown(Path path, String user) throws Exception {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName(user));
  }

  @Test
  void aNewEnvironmentsDirectoryIsItsServersUsersAndPrivate() throws Exception {
    Path shared = dir.resolve("shared");
    RunAs user = Clusters.prepare(shared.resolve("env").resolve("db"));
    assertThat(user.user()).isEqualTo("nobody");
    assertThat(mode(shared)).isEqualTo("rwx--x--x");
    assertThat(owner(shared)).isEqualTo("root");
    assertThat(mode(shared.resolve("env"))).isEqualTo("rwx------");
    assertThat(owner(shared.resolve("env"))).isEqualTo("nobody");
    // A second cluster of the environment takes the same user.
    assertThat(Clusters.prepare(shared.resolve("env").resolve("cache"))).isEqualTo(user);
  }

  @Test
  void whatAnOlderUpdraftLeftOpenIsTightenedAndTakenByTheClustersUser() throws Exception {
    // As updraft made them before: both 0755, the environment's root's, its cluster nobody's.
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path environment = Files.createDirectories(shared.resolve("env"));
    Path cluster = Files.createDirectories(environment.resolve("db"));
    Path password = Files.writeString(environment.resolve("db.password"), "x");
    for (Path p : new Path[] {shared, environment, cluster}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
    chown(cluster, "nobody");

    RunAs user = Clusters.prepare(cluster);
    assertThat(user.user()).isEqualTo("nobody");
    assertThat(mode(shared)).isEqualTo("rwx--x--x");
    assertThat(owner(environment)).isEqualTo("nobody");
    assertThat(mode(environment)).isEqualTo("rwx------");
    assertThat(mode(cluster)).isEqualTo("rwx------");
    assertThat(mode(password)).isEqualTo("rw-------");
  }

  @Test
  void clustersOfTwoUsersShareADirectoryOnlyTraversable() throws Exception {
    Path shared = dir.resolve("shared");
    Path environment = shared.resolve("env");
    Clusters.prepare(environment.resolve("new"));
    Files.createDirectories(environment.resolve("new"));
    chown(environment.resolve("new"), "nobody");
    Path old = Files.createDirectories(environment.resolve("old"));
    chown(old, "daemon"); // as a cluster of Debian's programs is postgres'
    assertThat(Clusters.prepare(old).user()).isEqualTo("daemon");
    assertThat(owner(environment)).isEqualTo("root");
    assertThat(mode(environment)).isEqualTo("rwx--x--x");
  }

  @Test
  void aSharedDirectoryOfAnotherUserIsRefused() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    chown(shared, "nobody");
    assertThatThrownBy(() -> Clusters.prepare(shared.resolve("env").resolve("db")))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      shared + " belongs to nobody (expected: a directory of root's, mode 0711)");
              assertThat(e.hint()).startsWith("check who made it");
            });
    assertThat(Files.exists(shared.resolve("env"))).isFalse();
  }
}
