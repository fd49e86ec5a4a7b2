package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy logs} and {@code deploy exec} on a deployed local environment whose service prints
 * a numbered line every 100 ms: the lines come back prefixed with their instance, filtered by time
 * and instance, followed as they are written; a command runs with the instance's variables (its
 * secret too) in its directory and hands back its exit code; unknown names are one-line errors.
 */
class DeployLogsExecIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TICKER =
      """
      import java.net.ServerSocket;

      public final class Ticker {
        public static void main(String[] args) throws Exception {
          ServerSocket server = new ServerSocket(Integer.parseInt(System.getenv("PORT")));
          Thread.ofVirtual().start(() -> {
            while (true) {
              try {
                server.accept().close();
              } catch (Exception e) {
                return;
              }
            }
          });
          for (long n = 0; ; n++) {
            System.out.println("tick " + n + " " + System.getenv("GREETING") + " grüße");
            Thread.sleep(100);
          }
        }
      }
      """;

  @TempDir Path dir;

  private static InProcessCli updraft(String... args) {
    return InProcessCli.run(args);
  }

  @Test
  void logsAreFollowedFilteredAndExecRunsInTheInstancesWorld() throws Exception {
    String environment = "cli-logs-" + ThreadLocalRandom.current().nextInt(100_000);
    Path root = Files.createDirectories(dir.resolve(environment));
    Files.createDirectories(root.resolve("ticker"));
    Files.writeString(root.resolve("ticker/Ticker.java"), TICKER);
    Path spec = root.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: %s
        applications:
          ticker:
            path: ./ticker
            command: java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx32m Ticker.java
            instances: 2
            env: {GREETING: hi}
            secrets: {TOKEN: {value: s3cr3t-value}}
        """
            .formatted(environment));
    String file = spec.toString();
    try {
      InProcessCli apply = updraft("deploy", "apply", "-f", file);
      assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();

      List<String> followed = new CopyOnWriteArrayList<>();
      Process follow =
          new ProcessBuilder(PackagedCli.command("deploy", "logs", "ticker", "-f", "--file", file))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    followed.add(line);
                  }
                } catch (Exception e) {
                  // the process was stopped
                }
              });
      try {
        int seen = awaitMore(followed, 0);
        // What the service prints from now on reaches the follower as it is written.
        int later = awaitMore(followed, seen + 5);
        assertThat(later).isGreaterThan(seen);
      } finally {
        follow.destroy();
        follow.waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(followed)
          .allMatch(l -> l.matches("ticker-[0-9a-f]{12}-[12] \\| tick \\d+ hi grüße"));
      assertThat(followed.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct())
          .as("both instances, each prefixed")
          .hasSize(2);

      String instance = followed.getFirst().substring(0, followed.getFirst().indexOf(' '));
      InProcessCli one =
          updraft("deploy", "logs", "ticker", "--file", file, "--instance", instance);
      assertThat(one.exit()).as(one.err()).isZero();
      assertThat(one.out().lines()).isNotEmpty().allMatch(l -> l.startsWith(instance + " | tick "));

      InProcessCli tail = updraft("deploy", "logs", "ticker", "--file", file, "--tail", "3", "-t");
      assertThat(tail.out().lines()).hasSize(3).allMatch(l -> l.matches("20\\d\\d-.*Z ticker-.*"));
      InProcessCli future =
          updraft("deploy", "logs", "ticker", "--file", file, "--since", "2999-01-01T00:00:00Z");
      assertThat(future.exit()).isZero();
      assertThat(future.out()).isEmpty();
      InProcessCli json =
          updraft("deploy", "logs", "ticker", "--file", file, "--tail", "1", "--json");
      JsonNode line = JSON.readTree(json.out());
      assertThat(line.get("instance").asText()).startsWith("ticker-");
      assertThat(line.get("line").asText()).startsWith("tick ");
      assertThat(line.get("time").asText()).endsWith("Z");

      InProcessCli unknown =
          updraft("deploy", "logs", "ticker", "--file", file, "--instance", "nope");
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.err())
          .startsWith("updraft: instance: nope is not an instance of ticker (instances: [ticker-")
          .doesNotContain("Exception");
      InProcessCli noService = updraft("deploy", "logs", "nope", "--file", file, "--json");
      assertThat(noService.exit()).isEqualTo(1);
      assertThat(JSON.readTree(noService.out()).at("/error/code").asText())
          .isEqualTo("UNKNOWN_SERVICE");
      InProcessCli badSince =
          updraft("deploy", "logs", "ticker", "--file", file, "--since", "soon");
      assertThat(badSince.exit()).isEqualTo(1);
      assertThat(badSince.err()).startsWith("updraft: --since: soon (expected: a duration");

      Process exec =
          new ProcessBuilder(
                  PackagedCli.command(
                      "deploy",
                      "exec",
                      "ticker",
                      "-f",
                      file,
                      "--",
                      "sh",
                      "-c",
                      "echo \"$GREETING $TOKEN $PORT\"; ls; exit 7"))
              .redirectErrorStream(true)
              .start();
      String out = new String(exec.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(exec.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(exec.exitValue()).as(out).isEqualTo(7);
      assertThat(out).containsPattern("hi s3cr3t-value \\d+").contains("Ticker.java");

      InProcessCli noInstance =
          updraft("deploy", "exec", "ticker", "-f", file, "--instance", "x", "--", "true");
      assertThat(noInstance.exit()).isEqualTo(1);
      assertThat(noInstance.err()).startsWith("updraft: instance: x is not an instance of ticker");
    } finally {
      updraft("deploy", "destroy", "-f", file);
    }
  }

  /** Waits until more than {@code count} lines were followed; how many there are then. */
  private static int awaitMore(List<String> lines, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines.size() <= count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(lines.size()).as("lines followed").isGreaterThan(count);
    return lines.size();
  }
}
