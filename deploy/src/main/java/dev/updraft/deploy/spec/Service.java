package dev.updraft.deploy.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A service of an environment: the closed set of things a spec can declare. */
public sealed interface Service {
  String name();

  /** Explicit dependencies; references in environment values add implicit ones. */
  List<String> dependsOn();

  /** What an application or job is built from and runs; empty for the other kinds. */
  default java.util.Optional<Process> source() {
    return switch (this) {
      case Application a -> java.util.Optional.of(a.process());
      case Job j -> java.util.Optional.of(j.process());
      default -> java.util.Optional.empty();
    };
  }

  /** The kind as the spec names its section. */
  default ServiceKind kind() {
    return switch (this) {
      case Application a -> ServiceKind.APPLICATION;
      case Container c -> ServiceKind.CONTAINER;
      case Job j -> ServiceKind.JOB;
      case Database d -> ServiceKind.DATABASE;
      case Router r -> ServiceKind.ROUTER;
    };
  }

  /**
   * How a process is run: where, how it is built, its command, variables and secrets, and the image
   * its image is built on (on the kubernetes target; resolved, never null).
   */
  record Process(
      String path,
      String build,
      String command,
      Map<String, String> env,
      Map<String, SecretRef> secrets,
      String baseImage) {}

  /** A health check. */
  record Health(String path, Duration interval, Duration timeout, Duration startTimeout) {
    public static final Health TCP =
        new Health(null, Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(60));

    public boolean http() {
      return path != null;
    }
  }

  /** Resource limits; null fields are unlimited. */
  record Resources(String memory, Double cpu) {
    public static final Resources NONE = new Resources(null, null);
  }

  /** Horizontal autoscaling: from the service's instances up to {@code max} at {@code cpu}%. */
  record Autoscale(int max, int cpu) {}

  /** Where a secret's value comes from: exactly one of the three. */
  record SecretRef(String env, String file, String value) {}

  /**
   * An application built from a directory.
   *
   * @param allow the applications that may call it through the mesh (the routers always may); null
   *     for every service of the environment
   */
  record Application(
      String name,
      Process process,
      Integer port,
      int instances,
      Health health,
      Resources resources,
      Autoscale autoscale,
      List<String> dependsOn,
      List<String> allow)
      implements Service {}

  record Container(
      String name,
      String image,
      String command,
      Map<String, String> env,
      Map<String, SecretRef> secrets,
      Integer port,
      int instances,
      Health health,
      Resources resources,
      Autoscale autoscale,
      List<String> dependsOn)
      implements Service {}

  /** When a job runs; the spec, the journal and the JSON Schema spell it as {@link #word()}. */
  enum When {
    /** On every apply that changes its version, before the services that depend on it. */
    START,
    /** When the environment is destroyed. */
    DELETE,
    /** On a cron schedule. */
    CRON;

    /** The word in the spec. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The kind {@code word} names; the spec's shape admits only these words, so another is a bug.
     */
    public static When of(String word) {
      for (When w : values()) {
        if (w.word().equals(word)) {
          return w;
        }
      }
      throw new IllegalArgumentException("when: " + word + " (expected start, delete or cron)");
    }
  }

  /**
   * A job.
   *
   * @param resources the limits of each run, null when the spec sets none (not {@link
   *     Resources#NONE}: an unset component leaves the version of a job written before jobs had
   *     limits as it was); {@link #limits()} reads it
   */
  record Job(
      String name,
      Process process,
      When when,
      String schedule,
      String timezone,
      Duration timeout,
      List<String> outputs,
      Resources resources,
      List<String> dependsOn)
      implements Service {
    /** Whether it is {@code when} {@code kind}. */
    public boolean runs(When kind) {
      return when == kind;
    }

    /** The limits of each run, {@link Resources#NONE} when the spec sets none. */
    public Resources limits() {
      return resources == null ? Resources.NONE : resources;
    }
  }

  record Database(String name, DatabaseEngine engine, String version, Integer port)
      implements Service {
    @Override
    public List<String> dependsOn() {
      return List.of();
    }
  }

  record Route(String path, String service) {}

  /**
   * A router.
   *
   * @param timeout how long it waits on an instance that sends nothing (before its response and
   *     between its bytes); null when the spec sets none, so that routers deployed before the field
   *     existed keep their version; the target's default then holds
   */
  record Router(String name, int port, List<String> hosts, List<Route> routes, Duration timeout)
      implements Service {
    public Router(String name, int port, List<String> hosts, List<Route> routes) {
      this(name, port, hosts, routes, null);
    }

    @Override
    public List<String> dependsOn() {
      // A route without a service (a problem the reader reported) depends on nothing.
      return routes.stream().map(Route::service).filter(Objects::nonNull).distinct().toList();
    }
  }
}
