package dev.updraft.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.mesh.transport.FreePorts;
import dev.updraft.sys.testing.NeedsProgram;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser against a real environment on the local target: a Python service
 * behind a router, deployed by the engine while the page is open, and the console its supervisor
 * serves. The tests run in order on that one environment, as a user would: watch the first release,
 * read the live log, see the success rate fall when the service fails, and roll back from the page.
 */
@NeedsProgram(value = "python3", debian = "python3")
@NeedsProgram(value = "chromium", debian = "chromium")
@NeedsProgram(value = "chromedriver", debian = "chromium-driver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  // Waits before it listens, so a release is seen in progress; prints /log requests; fails every
  // request but its health check while a file named "fail" is beside it.
  private static final String SERVER =
      """
      import http.server, os, time
      time.sleep(2)
      class Handler(http.server.BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"
          def do_GET(self):
              if self.path.startswith("/log"):
                  print("line " + self.path, flush=True)
              failing = os.path.exists("%s") and self.path != "/health"
              body = ("version " + os.environ["VERSION"] + "\\n").encode()
              self.send_response(500 if failing else 200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          def log_message(self, *args):
              pass
      http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  private Path spec;
  private Path failFile;
  private int port;
  private Path stateDir;
  private Engine engine;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private String console;
  private Browser browser;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    failFile = dir.resolve("fail");
    Files.createDirectories(dir.resolve("web"));
    Files.writeString(dir.resolve("web/server.py"), SERVER.formatted(failFile));
    port = FreePorts.any();
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: browsed
        applications:
          web:
            path: ./web
            command: python3 server.py
            env: {VERSION: "1"}
            health: {path: /health}
        routers:
          front:
            port: %d
            routes:
              - {path: /, service: web}
        """
            .formatted(port));
    engine = new Engine(spec, events::add, new Redactor(), System.getenv(), 4, null, Targets.all());
    stateDir = Targets.all().dataDir(SpecParser.load(spec, null));
    browser = new Browser();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    try {
      engine.destroy();
    } catch (RuntimeException e) {
      // never deployed
    }
  }

  @Test
  @Order(1)
  void theReleaseTimelineAppearsWhileUpRuns() throws Exception {
    Thread up = Thread.ofVirtual().start(engine::apply);
    // The supervisor the release starts serves the console (on any free port: the build sets
    // UPDRAFT_CONSOLE_PORT=0) and says where.
    Path urlFile = stateDir.resolve(RuntimeTarget.CONSOLE_URL);
    console =
        browser.await(
            Duration.ofSeconds(60),
            d -> read(urlFile).strip().isEmpty() ? null : read(urlFile).strip());
    assertThat(console).startsWith("http://127.0.0.1:").endsWith("/");
    browser.driver.get(url("/env/browsed"));
    // The page refreshes itself while a release is in progress; the instance has started and its
    // health check is still waiting.
    browser.await(
        Duration.ofSeconds(60),
        d -> {
          d.navigate().refresh();
          String text = d.findElement(By.id("main")).getText();
          return text.contains("Release 1 · apply · in-progress") && text.contains("start web");
        });
    browser.screenshot("release-in-progress");
    up.join();
    // What updraft up prints last: the router's address and the console's.
    assertThat(events)
        .filteredOn(Event.Finished.class::isInstance)
        .map(e -> ((Event.Finished) e).message())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("front at http://127.0.0.1:" + port + "/")
        .endsWith("; console at " + console);
    browser.driver.get(url("/env/browsed"));
    WebElement release = browser.driver.findElement(By.id("release-1"));
    assertThat(release.getText())
        .contains("succeeded")
        .contains("started by")
        .contains("web added at")
        .contains("health web");
    browser.screenshot("environment");
  }

  @Test
  @Order(2)
  void aLinePrintedByTheServiceShowsInTheLiveTailWithinASecond() throws Exception {
    browser.driver.get(url("/env/browsed/service/web"));
    // The mesh's workings, from the router's admin /workings: the instance as an endpoint.
    assertThat(browser.driver.findElement(By.id("endpoints")).getText())
        .contains("127.0.0.1:")
        .contains("ready")
        .contains("closed")
        .contains(" ms");
    assertThat(browser.driver.findElement(By.id("retries")).getText()).contains("front-");
    browser.scrollTo(By.id("endpoints"));
    browser.screenshot("service-workings");
    WebElement log = browser.driver.findElement(By.id("log"));
    browser.await(Duration.ofSeconds(10), d -> "on".equals(log.getDomAttribute("data-live")));
    String marker = "/log-" + UUID.randomUUID();
    assertThat(get(marker).statusCode()).isEqualTo(200);
    // The promise: the line is on the page within a second of the service printing it.
    browser.await(Duration.ofSeconds(1), d -> log.getText().contains("line " + marker));
  }

  @Test
  @Order(3)
  void theSuccessRateChartDropsWhenTheRouteStartsFailing() throws Exception {
    AtomicBoolean traffic = new AtomicBoolean(true);
    Thread load =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (traffic.get()) {
                    try {
                      get("/");
                      Thread.sleep(20);
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
    try {
      String chart = "route-front--to-web-success";
      browser.driver.get(url("/env/browsed/service/web"));
      browser.await(Duration.ofSeconds(60), d -> successRate(chart) == 100.0);
      Files.writeString(failFile, "");
      browser.await(Duration.ofSeconds(60), d -> successRate(chart) < 50.0);
      browser.screenshot("service");
    } finally {
      traffic.set(false);
      load.join();
      Files.deleteIfExists(failFile);
    }
  }

  @Test
  @Order(4)
  void aRollbackClickedInTheConsoleRollsBack() throws Exception {
    Files.writeString(spec, Files.readString(spec).replace("VERSION: \"1\"", "VERSION: \"2\""));
    engine.apply();
    assertThat(get("/").body()).isEqualTo("version 2\n");

    browser.driver.get(url("/env/browsed"));
    browser.driver.findElement(By.xpath("//button[text()='Roll back to release 1']")).click();
    try {
      browser.await(
          Duration.ofSeconds(90),
          d -> {
            d.navigate().refresh();
            String text = d.findElement(By.id("release-3")).getText();
            return text.contains("Release 3 · rollback · succeeded");
          });
    } catch (org.openqa.selenium.TimeoutException e) {
      browser.screenshot("rollback-timed-out");
      throw new AssertionError(
          "no rollback release; the page says: "
              + browser.driver.findElement(By.id("main")).getText(),
          e);
    }
    assertThat(browser.driver.findElement(By.id("release-3")).getText())
        .contains("started by console");
    assertThat(get("/").body()).isEqualTo("version 1\n");
    browser.screenshot("rolled-back");
  }

  /** The success-rate chart's latest value in percent, or -1 while it has none. */
  private double successRate(String chart) {
    browser.driver.navigate().refresh();
    List<WebElement> figures = browser.driver.findElements(By.id(chart));
    if (figures.isEmpty()) {
      return -1;
    }
    String latest = figures.getFirst().getDomAttribute("data-latest");
    return latest == null || !latest.endsWith("%")
        ? -1
        : Double.parseDouble(latest.substring(0, latest.length() - 1));
  }

  private String url(String path) {
    return console + path.substring(1);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return ""; // not written yet
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
