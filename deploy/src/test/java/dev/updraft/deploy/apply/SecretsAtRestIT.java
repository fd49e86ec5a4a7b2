package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.ProcessState;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.SupervisorClient;
import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets at rest, end to end: an environment with secrets from the host's environment, a file and
 * the spec, and a PostgreSQL password, is deployed, its secret rotated, its supervisor killed (its
 * watchdog starts another) and then its instance (that supervisor restarts it from its sealed
 * table); the instances get every value all along, and no file the engine, the watchdog, the
 * supervisor or the database server wrote holds one, in plain text, base64 or hex, nor lets another
 * user in.
 */
@NeedsProgram(value = "python3", debian = "python3")
class SecretsAtRestIT {
  @TempDir Path dir;

  private static String random(String prefix) {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  private static String sha16(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 16);
  }

  /** An engine whose databases are the pinned servers, those a machine with only a JDK runs. */
  private Engine engine(Path spec, String token, List<Event> events) {
    return Shops.pinnedEngine(spec, events, Map.of("VAULT_TOKEN", token));
  }

  private static void noLeaks(List<Path> roots, Map<String, String> secrets) {
    for (Path root : roots) {
      assertThat(Files.isDirectory(root)).as(root.toString()).isTrue();
      assertThat(Leaks.find(root, secrets)).as("secrets in " + root).isEmpty();
      assertThat(Leaks.open(root)).as("open to others in " + root).isEmpty();
    }
  }

  /** The pid of the app's instance as the supervisor reports it running; 0 while none does. */
  private static long appPid(Path data) {
    try (SupervisorClient client = SupervisorClient.connect(data)) {
      if (client == null) {
        return 0;
      }
      return client.call(Protocol.Request.of(Protocol.Op.STATUS)).processes().stream()
          .filter(p -> p.service().equals("app") && ProcessState.RUNNING.equals(p.state()))
          .mapToLong(Protocol.ProcessStatus::pid)
          .findFirst()
          .orElse(0);
    } catch (RuntimeException e) {
      return 0; // the supervisor went meanwhile
    }
  }

  /** The pid of a supervisor that answers and is not {@code old}; 0 until there is one. */
  private static long answeringSupervisor(Path data, long old) {
    try (SupervisorClient client = SupervisorClient.connect(data)) {
      if (client == null) {
        return 0;
      }
      long pid = Shops.pid(data, "supervisor.pid");
      return pid == old ? 0 : pid;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Waits up to 60 s for {@code value} to give a pid other than 0, and returns it. */
  private static long await(java.util.function.LongSupplier value, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      long pid = value.getAsLong();
      if (pid != 0) {
        return pid;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + what + " within 60s");
  }

  @Test
  void noSecretIsWrittenInAnyFormAndEachStillReachesItsInstance() throws Exception {
    String token1 = random("vault-token-one-");
    String token2 = random("vault-token-two-");
    String key = random("vault-file-key-");
    String pin = random("vault-inline-pin-");
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(dir.resolve("app/server.py"), Shops.PYTHON_SERVER);
    Files.writeString(dir.resolve("app/key.txt"), key + "\n");
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: vault
        applications:
          app:
            path: ./app
            command: PYTHONUNBUFFERED=1 python3 server.py
            env:
              PGPASSWORD: ${db.password}
              DATABASE_URL: ${db.url}
              CACHE: ${cache.url}
              FINGERPRINT: TOKEN KEY PIN PGPASSWORD
            secrets:
              TOKEN: {env: VAULT_TOKEN}
              KEY: {file: app/key.txt}
              PIN: {value: %s}
            health: {path: /health}
        jobs:
          report:
            path: ./app
            command: printf %%s "$TOKEN" | sha256sum | cut -c1-16
            when: cron
            schedule: "@yearly"
            secrets: {TOKEN: {env: VAULT_TOKEN}}
        databases:
          db: {engine: postgres}
          cache: {engine: redis}
        """
            .formatted(pin));
    Path data = dir.resolve(".updraft/vault");
    List<Event> events = Shops.events();
    Engine first = engine(spec, token1, events);
    Engine rotated = engine(spec, token2, events);
    try {
      Engine.Outcome outcome = first.apply();
      String password = outcome.services().get("db").attributes().get("password");
      int port = outcome.services().get("app").servicePort();
      assertThat(Shops.get(port, "/").body())
          .isEqualTo(
              "TOKEN=%s KEY=%s PIN=%s PGPASSWORD=%s"
                  .formatted(sha16(token1), sha16(key), sha16(pin), sha16(password)));
      assertThat(first.runJob("report").logTail()).contains(sha16(token1));

      Plan plan = rotated.plan();
      assertThat(plan.changes())
          .filteredOn(c -> c.service().equals("app") || c.service().equals("report"))
          .extracting(Plan.Change::reason)
          .containsOnly("secret values changed");
      rotated.apply();
      String expected =
          "TOKEN=%s KEY=%s PIN=%s PGPASSWORD=%s"
              .formatted(sha16(token2), sha16(key), sha16(pin), sha16(password));
      assertThat(Shops.get(port, "/").body()).isEqualTo(expected);

      // kill -9 of the supervisor: its watchdog starts another, with no updraft command, which
      // adopts the instance. Then the instance dies: that supervisor restarts it from its table
      // alone, with the values it keeps sealed there and opens in its memory only.
      long watchdog = Shops.pid(data, "watchdog.pid");
      long supervisor = Shops.pid(data, "supervisor.pid");
      long instance = appPid(data);
      Shops.kill9(supervisor);
      long restarted = await(() -> answeringSupervisor(data, supervisor), "a new supervisor");
      assertThat(Shops.pid(data, "watchdog.pid")).as("the same watchdog").isEqualTo(watchdog);
      assertThat(appPid(data)).as("the instance, adopted").isEqualTo(instance);
      // Not this JVM's child: its end is seen by the supervisor, not waited for here.
      ProcessHandle.of(instance).ifPresent(ProcessHandle::destroyForcibly);
      long again = await(() -> appPid(data) == instance ? 0 : appPid(data), "a new instance");
      assertThat(Shops.pid(data, "supervisor.pid")).isEqualTo(restarted);
      assertThat(again).isNotEqualTo(instance);
      assertThat(Shops.get(port, "/").body()).isEqualTo(expected);
      rotated.apply();
      assertThat(Shops.get(port, "/").body()).isEqualTo(expected);
      assertThat(rotated.runJob("report").logTail()).contains(sha16(token2));

      assertThat(Files.readString(data.resolve("supervisor.json"))).contains("sealed:v1:");
      assertThat(Files.readString(data.resolve("journal.jsonl"))).contains("sealed:v1:");
      Map<String, String> secrets = new LinkedHashMap<>();
      secrets.put("token before rotation", token1);
      secrets.put("token", token2);
      secrets.put("file secret", key);
      secrets.put("inline secret", pin);
      secrets.put("database password", password);
      // As root, the pinned cluster lives where its server's user can enter, outside .updraft.
      // (The directory of all environments' clusters is shared, 0711: ClustersTest checks it, not
      // this test, while other checkouts' tests may use it.)
      Path clusters = LocalRuntime.postgresClusters(data);
      assertThat(outcome.services().get("db").attributes().get("server")).contains("(pinned, ");
      if (Host.isRoot()) {
        assertThat(Files.getOwner(clusters).getName())
            .as("owner of " + clusters)
            .isEqualTo(Files.getOwner(clusters.resolve("db")).getName())
            .isNotEqualTo("root");
      }
      // The watchdog's and the supervisor's own files are there, private like the rest.
      for (String file : List.of("watchdog.pid", "watchdog.lock", "supervisor.lock")) {
        assertThat(data.resolve(file)).exists();
      }
      noLeaks(List.of(dir.resolve(".updraft"), clusters), secrets);
      assertThat(events)
          .noneMatch(e -> e.toString().contains(token2) || e.toString().contains(key));
      // Stopped on purpose: the marker that keeps the watchdog from restarting it is private too.
      Shops.destroyWithData(rotated);
      assertThat(data.resolve("supervisor.stopped")).exists();
      noLeaks(List.of(dir.resolve(".updraft")), secrets);
    } finally {
      Shops.destroy(spec, events);
    }
  }
}
