package dev.updraft.bench.vm;

import java.io.IOException;

/** QEMU's QMP over a Unix socket, as far as the benchmarks use it: commands and migration. */
final class Qmp {
  private Qmp() {}

  /** Reads the greeting and enters command mode. */
  static void handshake(UnixHttp qmp) throws IOException {
    qmp.readLine();
    execute(qmp, "{\"execute\": \"qmp_capabilities\"}");
  }

  /** Sends a command and returns its answer, skipping the events QEMU sends meanwhile. */
  static String execute(UnixHttp qmp, String command) throws IOException {
    qmp.write(command + "\n");
    while (true) {
      String line = qmp.readLine();
      if (line.isEmpty()) {
        throw new IOException("QMP closed while answering " + command);
      }
      if (line.contains("\"error\"")) {
        throw new IOException("QMP refused " + command + ": " + line);
      }
      if (line.contains("\"return\"")) {
        return line;
      }
    }
  }

  /**
   * Loads a migration stream into a QEMU started with {@code -incoming defer} and starts the guest:
   * a stopped VM's stream leaves the destination stopped, so {@code cont} follows the MIGRATION
   * event that says completed (an event, not a poll, so no poll interval is timed).
   */
  static void incomingAndContinue(UnixHttp qmp, String uri) throws IOException {
    execute(
        qmp,
        "{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\":"
            + " [{\"capability\": \"events\", \"state\": true}]}}");
    execute(qmp, "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"" + uri + "\"}}");
    while (true) {
      String line = qmp.readLine();
      if (line.isEmpty()) {
        throw new IOException("QMP closed during the incoming migration");
      }
      if (line.contains("\"MIGRATION\"") && line.contains("\"failed\"")) {
        throw new IOException("QEMU's incoming migration failed: " + line);
      }
      if (line.contains("\"MIGRATION\"") && line.contains("\"completed\"")) {
        break;
      }
    }
    execute(qmp, "{\"execute\": \"cont\"}");
  }

  /** Polls {@code query-migrate} until the migration completed (or failed). */
  static void awaitMigration(UnixHttp qmp) throws IOException, InterruptedException {
    while (true) {
      String status = execute(qmp, "{\"execute\": \"query-migrate\"}");
      if (status.contains("\"status\": \"completed\"")) {
        return;
      }
      if (status.contains("\"status\": \"failed\"")) {
        throw new IOException("QEMU's migration failed: " + status);
      }
      Thread.sleep(1);
    }
  }
}
