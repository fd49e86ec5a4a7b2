package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine meets a supervisor left running by an earlier build: it tells it to shut down in words
 * every build reads, starts its own, and that one adopts the processes the old one kept.
 */
class SupervisorUpgradeIT {
  @TempDir Path dir;

  @Test
  void aSupervisorOfAnotherBuildIsReplacedAndItsProcessesAdopted() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    long started = sleeper.toHandle().info().startInstant().orElseThrow().toEpochMilli();
    // The table as an earlier build wrote it: a bare list of rows, specs without resources.
    Files.writeString(
        dir.resolve("supervisor.json"),
        """
        [{"spec":{"id":"app-v1-1","service":"app","command":["sleep","120"],"cwd":"%s",\
        "env":{"PORT":"4001"},"log":"%s","restart":true},"pid":%d,"startedMillis":%d}]
        """
            .formatted(dir, dir.resolve("app.log"), sleeper.pid(), started));
    List<String> heard = new CopyOnWriteArrayList<>();
    Thread old = oldSupervisor(heard);
    try (SupervisorClient client = SupervisorClient.ensure(dir)) {
      old.join(10_000);
      assertThat(heard).containsExactly("{\"op\":\"ping\"}", "{\"op\":\"shutdown\"}");
      Protocol.Response status = client.call(Protocol.Request.of(Protocol.Op.STATUS));
      assertThat(status.build()).isEqualTo(BuildId.current());
      assertThat(status.processes())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.id()).isEqualTo("app-v1-1");
                assertThat(p.pid()).isEqualTo(sleeper.pid());
                assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
              });
      client.call(Protocol.Request.stop("app-v1-1", 2_000));
      assertThat(sleeper.isAlive()).isFalse();
      // Waits for the supervisor and its watchdog to go: nothing writes in the directory after.
      client.shutdown(dir);
    } finally {
      sleeper.destroyForcibly();
    }
  }

  /** Answers like a supervisor of an earlier build: responses with its fields, no build id. */
  private Thread oldSupervisor(List<String> heard) throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("supervisor.sock")));
    return Thread.ofVirtual()
        .start(
            () -> {
              try (server;
                  SocketChannel client = server.accept();
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              Channels.newInputStream(client), StandardCharsets.UTF_8));
                  var out = Channels.newOutputStream(client)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  heard.add(line);
                  out.write(
                      "{\"ok\":true,\"error\":null,\"processes\":null,\"listeners\":null,\"adminPort\":null}\n"
                          .getBytes(StandardCharsets.UTF_8));
                  out.flush();
                  if (line.contains("shutdown")) {
                    return;
                  }
                }
              } catch (Exception e) {
                heard.add("failed: " + e);
              }
            });
  }
}
