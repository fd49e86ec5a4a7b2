package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {
  @TempDir Path dir;

  @Test
  void theUnitRestartsTheWatchdogAlwaysButNotAfterADeliberateStop() {
    Path data = dir.resolve("my env").resolve(".updraft").resolve("shop");
    SystemdUnit unit = SystemdUnit.of(data);
    String text = unit.render(data, dir.resolve("my env"));
    assertThat(unit.name()).matches("updraft-shop-[0-9a-f]{8}\\.service");
    assertThat(text.lines())
        .contains(
            "[Service]",
            "Type=exec",
            "Restart=always",
            "RestartSec=1",
            "RestartPreventExitStatus=" + Watchdog.STOPPED,
            "KillMode=mixed",
            "WorkingDirectory=" + dir.resolve("my env").toAbsolutePath(),
            "[Install]",
            "WantedBy=" + (unit.user() ? "default.target" : "multi-user.target"));
    // What the unit runs is the watchdog, exactly as the engine starts it (less setsid).
    assertThat(SystemdUnit.execStart(text)).isEqualTo(Watchdog.javaCommand(data));
    assertThat(SystemdUnit.execStart(text)).contains(Watchdog.class.getName());
  }

  @Test
  void wordsAreQuotedAndEscapedAsSystemdReadsThem() {
    assertThat(SystemdUnit.quote("/usr/bin/java")).isEqualTo("/usr/bin/java");
    assertThat(SystemdUnit.quote("-XX:+UseSerialGC")).isEqualTo("-XX:+UseSerialGC");
    assertThat(SystemdUnit.quote("/srv/my env")).isEqualTo("\"/srv/my env\"");
    assertThat(SystemdUnit.quote("/srv/100%")).isEqualTo("/srv/100%%");
    assertThat(SystemdUnit.quote("$HOME")).isEqualTo("$$HOME");
    assertThat(SystemdUnit.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    String unit = "ExecStart=/bin/x \"/srv/my env\" /srv/100%% $$HOME \"a\\\"b\\\\c\"\n";
    assertThat(SystemdUnit.execStart(unit))
        .containsExactly("/bin/x", "/srv/my env", "/srv/100%", "$HOME", "a\"b\\c");
  }

  @Test
  @EnabledIf(
      value = "analyzerInstalled",
      disabledReason = "needs systemd-analyze: apt-get install systemd")
  void systemdAcceptsTheUnit() throws Exception {
    Path data = dir.resolve("work 100%").resolve(".updraft").resolve("shop");
    Files.createDirectories(data);
    String name = SystemdUnit.of(data).name();
    Path file = dir.resolve(name);
    Files.writeString(file, SystemdUnit.of(data).render(data, data.getParent().getParent()));
    Process verify =
        new ProcessBuilder("systemd-analyze", "verify", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(verify.getInputStream().readAllBytes());
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).doesNotContain(name);
  }

  static boolean analyzerInstalled() {
    return List.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").stream()
        .anyMatch(p -> Files.isExecutable(Path.of(p)));
  }
}
