package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --target} and {@code apply --dry-run}: choosing the target, rendering without one. */
class DeployTargetTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private int run(String... args) {
    return Updraft.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path spec() throws Exception {
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: web
        databases:
          cache: {engine: redis}
        routers:
          front: {port: 8080, routes: [{path: /, service: api}]}
        applications:
          api: {path: ., command: ./serve, env: {CACHE: "${cache.url}"}}
        """);
    return spec;
  }

  @Test
  void aDryRunWritesManifestsForKubectlWithoutACluster() throws Exception {
    Path spec = spec();
    Path manifests = dir.resolve("manifests");

    int code =
        run(
            "deploy",
            "apply",
            "-f",
            spec.toString(),
            "--target",
            "kubernetes",
            "--dry-run",
            manifests.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Wrote 17 files to " + manifests)
        .contains("kubectl apply -f " + manifests);
    assertThat(manifests.resolve("000-namespace-web.yaml")).exists();
    assertThat(manifests.resolve("006-deployment-updraft-identity.yaml"))
        .as("the mesh's identity service, before the services")
        .exists();
    assertThat(Files.readString(manifests.resolve("012-configmap-api-env.yaml")))
        .contains("CACHE: \"redis://cache.web.svc:6379\"");
    assertThat(dir.resolve(".updraft/web/journal.jsonl")).as("nothing applied").doesNotExist();
  }

  @Test
  void aDryRunOfTheLocalTargetSaysWhatToDoInstead() throws Exception {
    int code = run("deploy", "apply", "-f", spec().toString(), "--dry-run", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("--dry-run writes Kubernetes manifests; web targets local")
        .contains("hint: add --target kubernetes");
  }

  @Test
  void anUnknownTargetIsAUsageError() throws Exception {
    assertThat(run("deploy", "plan", "-f", spec().toString(), "--target", "cloud")).isEqualTo(2);
    assertThat(err.toString()).contains("--target: cloud (expected: local or kubernetes)");
  }
}
