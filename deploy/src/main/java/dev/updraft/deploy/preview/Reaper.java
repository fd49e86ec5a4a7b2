package dev.updraft.deploy.preview;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.ConsoleSink;
import dev.updraft.deploy.events.Redactor;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Entry point that removes an expired preview: {@code Reaper DATA_DIR}, started by the preview's
 * supervisor when its time to live is up ({@link dev.updraft.deploy.local.Expiry}).
 */
public final class Reaper {
  private Reaper() {}

  public static void main(String[] args) {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    if (args.length != 1) {
      System.err.println("usage: Reaper DATA_DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    try {
      Preview preview = Preview.read(dir);
      PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
      Redactor redactor = new Redactor();
      Previews previews =
          new Previews(
              preview.spec(),
              spec ->
                  new Engine(
                      spec,
                      new ConsoleSink(out, redactor),
                      redactor,
                      System.getenv(),
                      4,
                      null,
                      Targets.all()));
      System.out.println(Instant.now() + " preview " + preview.name() + " expired: removing it");
      previews.delete(preview.name());
    } catch (RuntimeException e) {
      System.out.println(Instant.now() + " removing the expired preview failed: " + e);
      System.exit(1);
    }
    System.exit(0);
  }
}
