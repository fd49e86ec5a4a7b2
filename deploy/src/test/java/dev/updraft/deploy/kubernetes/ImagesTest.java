package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.DeployException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of image building that need no registry: the layer, progress, errors, locality. */
class ImagesTest {
  private static final String BLOB = "sha256:" + "ab".repeat(32);
  private static final String CONFIG = "sha256:" + "cd".repeat(32);

  @TempDir Path dir;

  @Test
  void theArtifactIsOneLayerAtAppWithItsOwnersModesForAllAndWithoutTheBuildMarker()
      throws Exception {
    Path artifact = Files.createDirectories(dir.resolve("artifact"));
    Files.createDirectories(artifact.resolve("out"));
    Files.writeString(artifact.resolve("out/Main.class"), "bytes");
    Files.writeString(artifact.resolve("run.sh"), "exec java Main\n");
    Files.setPosixFilePermissions(
        artifact.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(artifact.resolve("start"), artifact.resolve("run.sh"));
    Files.writeString(artifact.resolve(Artifacts.MARKER), "0123abcd");

    Map<String, String> modes =
        Images.layer(artifact).getEntries().stream()
            .collect(
                Collectors.toMap(
                    e -> e.getExtractionPath().toString(),
                    e -> e.getPermissions().toOctalString()));

    assertThat(modes)
        .containsEntry("/app/out", "755")
        .containsEntry("/app/out/Main.class", "644")
        .containsEntry("/app/run.sh", "755")
        .containsEntry("/app/start", "755")
        .doesNotContainKey("/app/" + Artifacts.MARKER)
        .hasSize(4);
    assertThat(
            Images.layer(artifact).getEntries().stream()
                .map(FileEntry::getModificationTime)
                .distinct())
        .as("jib's fixed time: the same artifact is the same layer")
        .containsExactly(FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
  }

  @Test
  void onlyRegistriesOnThisMachineMayBePlainHttpWithoutBeingAskedFor() throws Exception {
    assertThat(Registries.local(ImageReference.parse("127.0.0.1:5000/acme/shop-web:1"))).isTrue();
    assertThat(Registries.local(ImageReference.parse("localhost:5000/shop-web:1"))).isTrue();
    assertThat(Registries.local(ImageReference.parse("localhost/shop-web:1"))).isTrue();
    assertThat(Registries.local(ImageReference.parse("ghcr.io/acme/shop-web:1"))).isFalse();
    assertThat(Registries.local(ImageReference.parse("debian:bookworm-slim"))).isFalse();
    assertThat(Registries.local(ImageReference.parse("127.0.0.1.example.com/x:1"))).isFalse();
  }

  @Test
  void progressTellsUploadedBlobsFromThoseTheRegistryHadOrMounted() {
    JibProgress progress = new JibProgress(dir.resolve("logs/web-1-image.log"));
    progress.accept(timer("Pushing BLOB digest: " + BLOB + ", size: 2048"));
    progress.accept(timer("pushBlob POST " + BLOB));
    progress.accept(timer("pushBlob PATCH " + BLOB));
    progress.accept(timer("Pushing BLOB digest: " + CONFIG + ", size: 512"));
    progress.accept(LogEvent.info("Skipping push; BLOB already exists on target registry"));
    progress.accept(LogEvent.warn("Cannot verify server at https://127.0.0.1:5000/v2/."));

    assertThat(progress.pushed(BLOB)).isEqualTo(2048L);
    assertThat(progress.pushed(CONFIG)).as("mounted or already there").isNull();
    assertThat(progress.tail())
        .as("warnings, not chatter")
        .isEqualTo("WARN Cannot verify server at https://127.0.0.1:5000/v2/.");
    assertThat(dir.resolve("logs/web-1-image.log")).content().contains("INFO Skipping push");
  }

  @Test
  void failuresBecomeOneLineWithAHintNamingTheField() throws Exception {

    DeployException unreachable =
        error(new ExecutionException(new ConnectException("Connection refused")), null);
    assertThat(unreachable.tag()).isEqualTo("IMAGE_REGISTRY_UNREACHABLE");
    assertThat(unreachable.getMessage())
        .isEqualTo(
            "web: cannot push 127.0.0.1:5999/acme/shop-web:1: 127.0.0.1:5999 does not answer"
                + " (Connection refused)");
    assertThat(unreachable.hint()).startsWith("check kubernetes.registry in updraft.yaml");

    DeployException insecure =
        error(
            new InsecureRegistryException(
                URI.create("https://127.0.0.1:5999/v2/").toURL(),
                new SSLHandshakeException("PKIX path building failed")),
            "WARN jib said so");
    assertThat(insecure.tag()).isEqualTo("IMAGE_INSECURE_REGISTRY");
    assertThat(insecure.hint()).contains("kubernetes.insecureRegistry: true");
    assertThat(insecure.logTail()).isEqualTo("WARN jib said so");

    DeployException other =
        error(new IllegalStateException("first line\n\tat some.Frame(Frame.java:1)"), null);
    assertThat(other.tag()).isEqualTo("IMAGE_FAILED");
    assertThat(other.getMessage())
        .isEqualTo("web: cannot push 127.0.0.1:5999/acme/shop-web:1: first line");
  }

  private static DeployException error(Throwable failure, String tail) throws Exception {
    return ImageErrors.of(
        "web",
        "push 127.0.0.1:5999/acme/shop-web:1",
        ImageReference.parse("127.0.0.1:5999/acme/shop-web:1"),
        "kubernetes.registry",
        failure,
        tail);
  }

  private static TimerEvent timer(String description) {
    return new TimerEvent(
        TimerEvent.State.START, () -> Optional.empty(), Duration.ZERO, Duration.ZERO, description);
  }
}
