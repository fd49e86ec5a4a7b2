package dev.updraft.deploy.local;

import java.util.List;
import java.util.Map;

/** The supervisor's request and response messages, one JSON line each over its Unix socket. */
public final class Protocol {
  private Protocol() {}

  /**
   * A process the supervisor keeps running.
   *
   * @param id unique instance id, e.g. {@code catalog-1a2b3c4d-1}
   * @param service the service it belongs to
   * @param command argv (typically {@code bash -c ...})
   * @param cwd working directory
   * @param env full environment
   * @param log file that receives stdout and stderr
   * @param restart restart it with backoff when it exits
   */
  public record ProcessSpec(
      String id,
      String service,
      List<String> command,
      String cwd,
      Map<String, String> env,
      String log,
      boolean restart) {}

  /**
   * A managed process as the supervisor sees it.
   *
   * @param port the PORT it was started with (0: none), which stays its port across restarts
   */
  public record ProcessStatus(
      String id,
      String service,
      long pid,
      String state,
      int restarts,
      Integer lastExit,
      String log,
      int port) {}

  /**
   * A request: {@code ping}, {@code start} (process), {@code stop} (id, graceMillis), {@code
   * status}, {@code route} (routing), {@code shutdown}.
   */
  public record Request(
      String op, ProcessSpec process, String id, Long graceMillis, Routing routing) {
    public static Request of(String op) {
      return new Request(op, null, null, null, null);
    }
  }

  /** A response; {@code error} is set when {@code ok} is false. */
  public record Response(
      boolean ok,
      String error,
      List<ProcessStatus> processes,
      Map<String, Integer> listeners,
      Integer adminPort) {
    static Response success() {
      return new Response(true, null, null, null, null);
    }

    static Response error(String message) {
      return new Response(false, message, null, null, null);
    }
  }
}
