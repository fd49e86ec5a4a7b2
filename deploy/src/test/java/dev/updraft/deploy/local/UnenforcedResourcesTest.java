package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A machine that cannot hold the spec's limits says so once per apply, and the apply goes on. */
class UnenforcedResourcesTest {
  @TempDir Path dir;
  private final List<Event> events = new CopyOnWriteArrayList<>();

  /**
   * A runtime with nothing to run (the spec has only a job for destroy) and no cgroups: it answers
   * what an apply of such a spec asks, and fails on anything else.
   */
  private static ServiceRuntime noCgroups(String why) {
    return (ServiceRuntime)
        Proxy.newProxyInstance(
            ServiceRuntime.class.getClassLoader(),
            new Class<?>[] {ServiceRuntime.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "unenforced" -> Optional.ofNullable(why);
                  case "instances" -> Set.of();
                  case "route", "close" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private List<Event.Warning> apply(String resources, String why) throws Exception {
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: tiny
        jobs:
          farewell: {path: ., command: "true", when: delete%s}
        """
            .formatted(resources));
    events.clear();
    new Engine(
            spec,
            events::add,
            new Redactor(),
            Map.of(),
            1,
            null,
            RuntimeTarget.factory(d -> noCgroups(why)))
        .apply();
    return events.stream()
        .filter(Event.Warning.class::isInstance)
        .map(Event.Warning.class::cast)
        .toList();
  }

  @Test
  void limitsTheMachineCannotHoldAreWarnedOncePerApply() throws Exception {
    String why = "/sys/fs/cgroup/memory is not writable; run updraft as root";
    assertThat(apply(", resources: {memory: 64Mi}", why))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.service()).isEqualTo("tiny");
              assertThat(w.message())
                  .isEqualTo(
                      "resources are not enforced on this machine: " + why + " (set for farewell)");
            });
    // Nothing changed: the next apply plans nothing, and says it again all the same.
    assertThat(apply(", resources: {memory: 64Mi}", why)).hasSize(1);
    assertThat(events).anyMatch(e -> e instanceof Event.Finished f && f.success());
  }

  @Test
  void noWarningWithoutLimitsOrWhereTheyHold() throws Exception {
    assertThat(apply("", "no cgroups here")).isEmpty();
    assertThat(apply(", resources: {cpu: 0.5}", null)).isEmpty();
  }
}
