package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's table keeps environments sealed, but for updraft's own variables. */
class ProcessTableTest {
  @TempDir Path dir;

  @Test
  void everyVariableButUpdraftsOwnIsSealedOnDisk() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin");
    env.put("PORT", "4001");
    env.put("PGPASSWORD", "s3cr3t-pg-password");
    env.put("GREETING", "hello");
    Protocol.ProcessSpec spec =
        new Protocol.ProcessSpec(
            "web-1",
            "web",
            List.of("/bin/sh", "-c", "run"),
            "/a",
            env,
            "/a/web-1.log",
            true,
            Service.Resources.NONE);
    Protocol.ScheduleSpec cron =
        new Protocol.ScheduleSpec(
            new Protocol.ProcessSpec(
                "report-1",
                "report",
                List.of("/bin/sh", "-c", "run"),
                "/a",
                Map.of("TOKEN", "s3cr3t-report-token"),
                "/a/r.log",
                false,
                Service.Resources.NONE),
            "@daily",
            "UTC",
            1000);
    Path file = dir.resolve("supervisor.json");
    ProcessTable table = new ProcessTable(file, EnvironmentKey.of(dir));
    ProcessTable.Contents contents =
        new ProcessTable.Contents(
            List.of(new ProcessTable.Row(spec, 42, 1000, 3)),
            List.of(new ScheduledJob.Row(cron, 1, 2, 0, 0, null, null)),
            null);
    table.save(contents);

    String text = Files.readString(file);
    assertThat(text)
        .doesNotContain("s3cr3t")
        .doesNotContain("hello")
        .contains("\"PATH\":\"/usr/bin\"")
        .contains("\"PORT\":\"4001\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    ProcessTable.Contents read = new ProcessTable(file, EnvironmentKey.of(dir)).load();
    assertThat(read.processes()).containsExactly(contents.processes().getFirst());
    assertThat(read.processes().getFirst().restarts()).isEqualTo(3);
    assertThat(ProcessTable.peek(file).processes().getFirst().spec().env())
        .as("read without the key, as Observation reads it")
        .containsEntry("PORT", "4001")
        .doesNotContainValue("s3cr3t-pg-password");
    assertThat(read.schedules().getFirst().spec()).isEqualTo(cron);
  }
}
