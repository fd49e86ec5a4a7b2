package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.preview.Previews;
import dev.updraft.mesh.transport.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A preview is an environment of its own in the console: listed beside its source, read from its
 * own journal, and rolled back by its own engine. Its journal names its source's spec file, so a
 * console that took that file for the environment showed (and rolled back) the source instead.
 */
class PreviewsInConsoleIT {
  private static final String APP =
      """
      import http.server, os
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = ("version " + os.environ["VERSION"] + "\\n").encode()
              self.send_response(200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          def log_message(self, *args):
              pass
      http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  @TempDir Path dir;
  private Path spec;
  private Previews previews;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void writeSpec() throws Exception {
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(dir.resolve("app/app.py"), APP);
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: src
        applications:
          web:
            path: ./app
            command: python3 app.py
            env: {VERSION: "1"}
            health: {path: /}
        routers:
          front:
            port: %d
            routes: [{path: /, service: web}]
        """
            .formatted(FreePorts.any()));
    previews = new Previews(spec, PreviewsInConsoleIT::engine);
  }

  private static Engine engine(Path file) {
    return new Engine(file, e -> {}, new Redactor(), System.getenv(), 4, null, Targets.all());
  }

  @AfterEach
  void destroy() {
    for (Previews.Listed left : previews.list()) {
      previews.delete(left.preview().name());
    }
    engine(spec).destroy();
  }

  @Test
  void aPreviewIsListedReadFromItsOwnJournalAndRolledBackByItsOwnEngine() throws Exception {
    Engine source = engine(spec);
    source.apply();
    previews.create("pr-1", "src", null);
    Files.writeString(spec, Files.readString(spec).replace("VERSION: \"1\"", "VERSION: \"2\""));
    previews.up("pr-1");
    String previewUrl = previews.list().getFirst().url();
    assertThat(get(previewUrl)).isEqualTo("version 2");

    Environments environments = new Environments(List.of(spec));
    List<Environment> all = environments.all();
    assertThat(all).extracting(Environment::name).containsExactly("src", "pr-1");
    assertThat(all).extracting(Environment::previewOf).containsExactly(null, "src");
    assertThat(all.get(0).releases()).hasSize(1);
    assertThat(all.get(1).releases()).as("the preview's own journal").hasSize(2);
    assertThat(all.get(1).supervisor()).isEqualTo("running");
    assertThat(all.get(1).services().getFirst().instances().getFirst().port())
        .as("its own instances")
        .isNotEqualTo(all.get(0).services().getFirst().instances().getFirst().port());

    Path sourceDir = source.dataDir();
    Path previewDir = sourceDir.resolveSibling("pr-1");
    assertThat(Environments.ofStateDir(previewDir).all())
        .as("a preview's supervisor shows the preview")
        .extracting(Environment::name)
        .containsExactly("pr-1");
    assertThat(Environments.ofStateDir(sourceDir).all())
        .as("its source's supervisor shows both")
        .extracting(Environment::name)
        .containsExactly("src", "pr-1");

    Actions actions = new Actions();
    assertThat(actions.rollback("pr-1", environments.source("pr-1").orElseThrow(), null, "test"))
        .isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (actions.last("pr-1").state() == Actions.State.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(actions.last("pr-1").state())
        .as(actions.last("pr-1").message())
        .isEqualTo(Actions.State.DONE);
    assertThat(get(previewUrl)).as("the preview rolled back").isEqualTo("version 1");
    List<Environment> after = environments.all();
    assertThat(after.get(1).releases().getFirst().kind()).isEqualTo(ReleaseKind.ROLLBACK);
    assertThat(after.get(0).releases()).as("the source untouched").hasSize(1);
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body()
        .strip();
  }
}
