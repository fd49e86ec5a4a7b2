package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshIdentityCommandTest {
  private static final String WEB = "web.shop.serviceaccount.identity.updraft.cluster.local";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private int run(String... args) {
    return Updraft.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void issuesATokenKeepingOnlyItsDigest() throws Exception {
    assertThat(run("mesh", "identity", "--dir", dir.toString(), "--issue-token", WEB)).isZero();
    String token = out.toString().trim();
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(Files.readString(dir.resolve("anchors.pem"))).startsWith("-----BEGIN CERTIFICATE");
    assertThat(Files.readString(dir.resolve("tokens"))).contains(WEB).doesNotContain(token);
  }

  @Test
  void rotatesTheAnchorKeepingBothUntilTheOldIsDropped() throws Exception {
    assertThat(run("mesh", "identity", "--dir", dir.toString(), "--issue-token", WEB)).isZero();
    assertThat(Files.readString(dir.resolve("anchors.pem")).split("BEGIN CERTIFICATE")).hasSize(2);
    assertThat(run("mesh", "identity", "--dir", dir.toString(), "--rotate-anchor")).isZero();
    assertThat(Files.readString(dir.resolve("anchors.pem")).split("BEGIN CERTIFICATE")).hasSize(3);
    assertThat(run("mesh", "identity", "--dir", dir.toString(), "--drop-old-anchor")).isZero();
    assertThat(Files.readString(dir.resolve("anchors.pem")).split("BEGIN CERTIFICATE")).hasSize(2);
  }

  @Test
  void aBadIdentityIsOneLineNamingTheOption() {
    assertThat(run("mesh", "identity", "--dir", dir.toString(), "--issue-token", "web"))
        .isEqualTo(1);
    assertThat(err.toString())
        .startsWith("updraft: --issue-token: \"web\" (expected: <serviceaccount>")
        .doesNotContain("\tat ");
  }
}
