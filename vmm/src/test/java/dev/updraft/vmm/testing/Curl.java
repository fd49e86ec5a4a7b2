package dev.updraft.vmm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * curl against a VMM's API socket exactly as Firecracker's getting-started guide calls it (no
 * Content-Type, so curl labels the body as a form).
 */
public final class Curl {
  private Curl() {}

  /** Returns the status code, then a space and the body if there is one: {@code 400 {...}}. */
  public static String request(Path socket, String method, String path, String body)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", socket.toString()));
    if (body != null) {
      command.addAll(List.of("--data", body));
    }
    command.addAll(List.of("-w", "\n%{http_code}", "http://localhost" + path));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    int nl = out.lastIndexOf('\n');
    String code = out.substring(nl + 1).trim();
    String text = out.substring(0, Math.max(0, nl)).trim();
    return text.isEmpty() ? code : code + " " + text;
  }
}
