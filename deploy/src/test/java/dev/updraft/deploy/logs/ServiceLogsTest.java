package dev.updraft.deploy.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLogsTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final String V = "0123456789ab";

  @TempDir Path dir;

  private void write(String instance, Instant time, String text) {
    try (StampedLog log = new StampedLog(dir.resolve(instance + ".log"), Rotation.DEFAULT)) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      log.append(time, bytes, 0, bytes.length);
    }
  }

  private List<String> read(LogQuery query) throws InterruptedException {
    List<String> lines = new CopyOnWriteArrayList<>();
    new ServiceLogs(dir).read(query, l -> lines.add(l.instance() + " " + l.text()), () -> true);
    return lines;
  }

  @Test
  void findsTheInstancesOfOneServiceOnly() {
    write("web-" + V + "-1", T0, "a");
    write("web-api-" + V + "-1", T0, "b");
    write("web-" + V, T0, "a job run, not an instance");
    assertThat(new ServiceLogs(dir).instances("web")).containsExactly("web-" + V + "-1");
    assertThat(new ServiceLogs(dir).instances("web-api")).containsExactly("web-api-" + V + "-1");
  }

  @Test
  void mergesInstancesInTimeOrderAndFiltersBySinceInstanceAndTail() throws Exception {
    String one = "web-" + V + "-1";
    String two = "web-" + V + "-2";
    write(one, T0, "one at 0");
    write(two, T0.plusSeconds(1), "two at 1");
    write(one, T0.plusSeconds(2), "one at 2");
    write(two, T0.plusSeconds(3), "two at 3");
    assertThat(read(new LogQuery("web", "", Instant.EPOCH, -1, false)))
        .containsExactly(
            one + " one at 0", two + " two at 1", one + " one at 2", two + " two at 3");
    assertThat(read(new LogQuery("web", "", T0.plusSeconds(2), -1, false)))
        .containsExactly(one + " one at 2", two + " two at 3");
    assertThat(read(new LogQuery("web", two, Instant.EPOCH, -1, false)))
        .containsExactly(two + " two at 1", two + " two at 3");
    assertThat(read(new LogQuery("web", "", Instant.EPOCH, 1, false)))
        .containsExactly(two + " two at 3");
  }

  @Test
  void followingSeesNewLinesAndNewInstances() throws Exception {
    String one = "web-" + V + "-1";
    write(one, T0, "before");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    new ServiceLogs(dir)
                        .read(
                            new LogQuery("web", "", Instant.EPOCH, -1, true),
                            l -> lines.add(l.text()),
                            () -> lines.contains("from a new instance"));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    awaitLines(lines, 1);
    write(one, T0.plusSeconds(1), "after");
    awaitLines(lines, 2);
    write("web-" + V + "-2", T0.plusSeconds(2), "from a new instance");
    reader.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(reader.isAlive()).isFalse();
    assertThat(lines).containsExactly("before", "after", "from a new instance");
  }

  private static void awaitLines(List<String> lines, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(lines).hasSize(count);
  }

  @Test
  void prunesOnlyRetiredInstancesLeftAloneLongEnough() throws Exception {
    String live = "web-" + V + "-1";
    String retired = "web-" + V + "-2";
    String recent = "web-" + V + "-3";
    for (String id : List.of(live, retired, recent)) {
      write(id, T0, "x");
    }
    Files.writeString(dir.resolve("build-abc.log"), "a build log, never pruned here\n");
    FileTime old = FileTime.from(T0.minus(Duration.ofDays(8)));
    for (String name : List.of(live + ".log", retired + ".log", "build-abc.log")) {
      Files.setLastModifiedTime(dir.resolve(name), old);
    }
    Files.setLastModifiedTime(dir.resolve(recent + ".log"), FileTime.from(T0));
    new ServiceLogs(dir).prune(Set.of(live), Duration.ofDays(7), T0);
    assertThat(new ServiceLogs(dir).instances("web")).containsExactly(live, recent);
    assertThat(dir.resolve("build-abc.log")).exists();
  }
}
