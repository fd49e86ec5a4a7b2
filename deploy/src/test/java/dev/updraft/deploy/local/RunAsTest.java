package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** As root, a server runs as its data directory's owner; a new one's owner is nobody. */
@EnabledIf(value = "dev.updraft.sys.Host#isRoot", disabledReason = "needs root to switch users")
class RunAsTest {
  @TempDir Path dir;

  @Test
  void aNewDataDirectoryIsNobodys() throws Exception {
    RunAs user = RunAs.forData(dir.resolve("db"));
    assertThat(user.user()).isEqualTo("nobody");
    assertThat(user.command(List.of("initdb", "-D", "x")))
        .containsExactly(
            "setpriv",
            "--reuid=nobody",
            "--regid=" + user.group(),
            "--clear-groups",
            "--",
            "initdb",
            "-D",
            "x");
    Path data = Files.createDirectories(dir.resolve("db"));
    user.own(data);
    assertThat(Files.getOwner(data).getName()).isEqualTo("nobody");
    // A directory it owns keeps it its user; one root owns is no user's to take over.
    assertThat(RunAs.forData(data)).isEqualTo(user);
    assertThat(RunAs.forData(dir).user()).isEqualTo("nobody");
  }

  @Test
  void theSwitchRunsAProgramAsThatUser() throws Exception {
    Process id =
        new ProcessBuilder(RunAs.forData(dir.resolve("db")).command(List.of("id", "-u")))
            .redirectErrorStream(true)
            .start();
    assertThat(new String(id.getInputStream().readAllBytes()).trim()).isEqualTo("65534");
    assertThat(id.waitFor()).isZero();
  }
}
