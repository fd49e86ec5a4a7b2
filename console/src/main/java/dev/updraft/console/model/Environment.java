package dev.updraft.console.model;

import dev.updraft.deploy.journal.ReleaseStatus;
import java.nio.file.Path;
import java.util.List;

/**
 * One environment as read now: its spec, target, whether its supervisor answers (local target), the
 * router's admin port there, its releases (newest first) and its services.
 *
 * @param previewOf the environment it is a preview of, or null
 * @param supervisor {@code running}, {@code not running}, or {@code n/a} off the local target
 * @param adminPort the embedded router's admin port, 0 when unknown
 */
public record Environment(
    String name,
    String target,
    Path specFile,
    String previewOf,
    String supervisor,
    int adminPort,
    List<Release> releases,
    List<ServiceView> services) {
  public Environment {
    releases = List.copyOf(releases);
    services = List.copyOf(services);
  }

  /** The state in one word: the newest release's status, or {@code never deployed}. */
  public String state() {
    return releases.isEmpty() ? "never deployed" : releases.getFirst().status().word();
  }

  /** Whether its newest release has not finished (running now, or left so by a crash). */
  public boolean inProgress() {
    return !releases.isEmpty() && releases.getFirst().status() == ReleaseStatus.IN_PROGRESS;
  }

  public ServiceView service(String service) {
    return services.stream().filter(s -> s.name().equals(service)).findFirst().orElse(null);
  }

  public Release release(int number) {
    return releases.stream().filter(r -> r.number() == number).findFirst().orElse(null);
  }
}
