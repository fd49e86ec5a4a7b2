package dev.updraft.deploy.spec;

import dev.updraft.deploy.json.Word;
import java.time.Duration;

/** The shapes of updraft.yaml, one per kind of object. Reader and JSON Schema both use them. */
public final class Shapes {
  // A name becomes Kubernetes object names and label values: DNS labels, so it cannot end in '-'.
  public static final String NAME = "[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?";
  static final String NAME_EXPECTED =
      "a name of lower-case letters, digits and '-', starting with a letter and ending with a"
          + " letter or digit, at most 40 long";
  static final String ENV_KEY = "[A-Za-z_][A-Za-z0-9_]*";
  static final String ENV_EXPECTED = "an environment variable name such as DATABASE_URL";

  static final FieldType PORT = new FieldType.Int(1, 65535);

  /** The image applications and jobs are built on when neither the service nor the spec says. */
  public static final String BASE_IMAGE = "debian:bookworm-slim";

  /** The image that runs {@code updraft mesh} on the kubernetes target. */
  public static final String MESH_IMAGE = "ghcr.io/updraft/updraft:0.1";

  // Docker's reference grammar: [host[:port]/]path[:tag][@sha256:digest], path in lower case.
  private static final String PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  static final FieldType IMAGE =
      new FieldType.Str(
          "(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?"
              + PATH_PART
              + "(?:/"
              + PATH_PART
              + ")*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?",
          "an image reference such as debian:bookworm-slim or ghcr.io/acme/base:1");

  static final Shape HEALTH =
      Shape.of("health", "a health check: an HTTP path or a TCP connect")
          .optional(
              "path",
              new FieldType.Str("/.*", "an HTTP path starting with /"),
              null,
              "HTTP GET this path; 2xx and 3xx are healthy")
          .optional("tcp", FieldType.BOOL, null, "healthy once the port accepts a connection")
          .optional("interval", FieldType.DURATION, Duration.ofMillis(250), "time between checks")
          .optional("timeout", FieldType.DURATION, Duration.ofSeconds(2), "time one check may take")
          .optional(
              "startTimeout",
              FieldType.DURATION,
              Duration.ofSeconds(60),
              "how long a new instance may take to become healthy")
          .oneOf("path", "tcp");

  static final Shape SECRET =
      Shape.of("secret", "a secret value: from the environment, a file, or inline")
          .optional(
              "env",
              new FieldType.Str(ENV_KEY, ENV_EXPECTED),
              null,
              "read from this environment variable of the updraft process")
          .optional("file", FieldType.STRING, null, "read from this file (relative to the spec)")
          .optional("value", FieldType.STRING, null, "inline value (never printed)")
          .oneOf("env", "file", "value");

  static final Shape RESOURCES =
      Shape.of("resources", "resource limits")
          .optional("memory", FieldType.SIZE, null, "memory limit (Ki, Mi, Gi, k, M, G or bytes)")
          .optional("cpu", new FieldType.Num(0.01, 64), null, "CPU limit in cores");

  static final Shape AUTOSCALE =
      Shape.of("autoscale", "horizontal autoscaling on the kubernetes target")
          .required("max", new FieldType.Int(1, 1000), "most instances")
          .optional("cpu", new FieldType.Int(1, 100), 80L, "target CPU utilisation in percent");

  private static final String BASE_IMAGE_DOC =
      "the image its image is built on, on the kubernetes target (kubernetes.baseImage when"
          + " absent)";

  private static Shape service(String name, String description) {
    return Shape.of(name, description)
        .optional(
            "port", PORT, null, "the port it listens on (exported as PORT); chosen when absent")
        .optional("instances", new FieldType.Int(1, 20), 1L, "instances to run")
        .optional(
            "env",
            new FieldType.StrMap(ENV_KEY, ENV_EXPECTED),
            null,
            "environment variables; ${service.attribute} references other services")
        .optional(
            "secrets",
            new FieldType.MapOf(ENV_KEY, ENV_EXPECTED, SECRET),
            null,
            "secret environment variables")
        .optional("health", new FieldType.Obj(HEALTH), null, "health check (TCP when absent)")
        .optional("resources", new FieldType.Obj(RESOURCES), null, "resource limits")
        .optional(
            "autoscale",
            new FieldType.Obj(AUTOSCALE),
            null,
            "scale between instances and max on CPU (kubernetes target)")
        .optional(
            "dependsOn",
            new FieldType.StrList(NAME, NAME_EXPECTED),
            null,
            "services that must be deployed first");
  }

  static final Shape APPLICATION =
      service("application", "an application built from a local directory")
          .required(
              "path", FieldType.STRING, "the directory holding its source, relative to the spec")
          .optional("build", FieldType.STRING, null, "a shell command that builds it, run in path")
          .required("command", FieldType.STRING, "the shell command that runs it, in path")
          .optional("baseImage", IMAGE, null, BASE_IMAGE_DOC)
          .optional(
              "allow",
              new FieldType.StrList(NAME, NAME_EXPECTED),
              null,
              "the applications that may call it through the mesh (the routers always may);"
                  + " every service of the environment when absent");

  static final Shape CONTAINER =
      service("container", "a container from an OCI image")
          .required(
              "image",
              new FieldType.Str("[^\\s]+", "an image reference such as nginx:1.27"),
              "the image")
          .optional("command", FieldType.STRING, null, "overrides the image's command");

  static final Shape JOB =
      Shape.of("job", "a job that runs to completion")
          .required("path", FieldType.STRING, "the directory holding its source")
          .optional("build", FieldType.STRING, null, "a shell command that builds it")
          .required("command", FieldType.STRING, "the shell command that runs it")
          .optional("baseImage", IMAGE, null, BASE_IMAGE_DOC)
          .optional(
              "when",
              new FieldType.Choice(
                  java.util.Arrays.stream(Service.When.values()).map(Service.When::word).toList()),
              "start",
              "on start (before dependants), on delete, or on a cron schedule")
          .optional(
              "schedule",
              new FieldType.Str(
                  "@[a-z]+|(\\S+\\s+){4}\\S+",
                  "a cron schedule of five fields such as */5 * * * *, or @hourly, @daily ..."),
              null,
              "cron schedule, for when: cron")
          .optional(
              "timezone",
              new FieldType.Str(
                  "[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*", "a time zone such as Europe/Paris"),
              null,
              "time zone of the schedule; the machine's (local) or the cluster's when absent")
          .optional(
              "timeout", FieldType.DURATION, Duration.ofMinutes(10), "how long a run may take")
          .optional("resources", new FieldType.Obj(RESOURCES), null, "resource limits of a run")
          .optional(
              "env", new FieldType.StrMap(ENV_KEY, ENV_EXPECTED), null, "environment variables")
          .optional("secrets", new FieldType.MapOf(ENV_KEY, ENV_EXPECTED, SECRET), null, "secrets")
          .optional(
              "outputs",
              new FieldType.StrList(ENV_KEY, ENV_EXPECTED),
              null,
              "variables the job writes as NAME=value lines to $UPDRAFT_OUTPUT, for others to reference")
          .optional(
              "dependsOn", new FieldType.StrList(NAME, NAME_EXPECTED), null, "services first");

  static final Shape DATABASE =
      Shape.of("database", "a managed database")
          .required("engine", new FieldType.Choice(Word.words(DatabaseEngine.class)), "the engine")
          .optional(
              "version",
              new FieldType.Str("[0-9]+(\\.[0-9]+)?", "a version such as 15"),
              null,
              "major version (the installed one when absent)")
          .optional("port", PORT, null, "port on the local target; chosen when absent");

  // What an Ingress's Prefix path and an HTTPRoute's PathPrefix accept: no empty, '.' or '..'
  // segment, no encoded '/', and nothing past the path ('?', '#', spaces).
  static final String ROUTE_PATH = "(?!.*(//|/\\./|/\\.\\./|%2[fF]))(?!.*/\\.\\.?$)/[^\\s?#]*";

  // A DNS name, or a wildcard (*.example.com), as Ingress rules and HTTPRoutes take it; not an IP.
  static final String HOST =
      "(?![0-9]+(\\.[0-9]+){3}$)(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*";

  static final Shape ROUTE =
      Shape.of("route", "a path prefix served by a service")
          .required(
              "path",
              new FieldType.Str(
                  ROUTE_PATH,
                  "a path starting with /, without //, /./, /../, %2F, ?, # or spaces, and not"
                      + " ending in /. or /.."),
              "path prefix")
          .required(
              "service", new FieldType.Str(NAME, NAME_EXPECTED), "the application or container");

  static final Shape ROUTER =
      Shape.of("router", "an HTTP entry point routing paths to services")
          .required("port", PORT, "the port it listens on")
          .optional(
              "hosts",
              new FieldType.StrList(
                  HOST, "a host name such as shop.example.com or *.example.com, not an IP address"),
              null,
              "host names it answers for (all when absent)")
          .required("routes", new FieldType.ListOf(ROUTE), "routes, longest prefix first")
          .optional(
              "timeout",
              FieldType.DURATION,
              null,
              "how long it waits on an instance that sends nothing, before its response and"
                  + " between its bytes; then 504, and the failure counts towards ejecting it"
                  + " (30s when absent)");

  static final Shape KUBERNETES =
      Shape.of("kubernetes", "settings for the kubernetes target")
          .optional(
              "context",
              FieldType.STRING,
              null,
              "kubeconfig context (the current context when absent)")
          .optional(
              "namespace",
              new FieldType.Str(NAME, NAME_EXPECTED),
              null,
              "namespace (the environment name when absent)")
          .optional(
              "ingressClass",
              new FieldType.Str(
                  "[a-z0-9]([a-z0-9.-]*[a-z0-9])?", "an IngressClass's name such as nginx"),
              null,
              "ingress class for routers")
          .optional(
              "gateway",
              new FieldType.Str(
                  "([a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9.-]*",
                  "a Gateway's name, or namespace/name"),
              null,
              "routers become Gateway API HTTPRoutes of this Gateway instead of Ingresses")
          .optional(
              "registry",
              new FieldType.Str("[^\\s]+", "an image registry prefix such as ghcr.io/acme"),
              null,
              "registry prefix for application and job images, which apply builds and pushes")
          .optional(
              "baseImage",
              IMAGE,
              BASE_IMAGE,
              "the image application and job images are built on, unless a service names its own")
          .optional(
              "insecureRegistry",
              FieldType.BOOL,
              false,
              "allow plain HTTP and unverified TLS to the registries of image builds (always"
                  + " allowed when they are all on localhost or 127.0.0.1)")
          .optional(
              "meshImage",
              IMAGE,
              MESH_IMAGE,
              "the image of the mesh's proxy sidecars and identity service, one with updraft on"
                  + " its PATH")
          .optional(
              "timeout",
              FieldType.DURATION,
              Duration.ofMinutes(10),
              "how long a service's rollout may take before it fails");

  private static FieldType services(Shape shape) {
    return new FieldType.MapOf(NAME, NAME_EXPECTED, shape);
  }

  public static final Shape SPEC =
      Shape.of("spec", "an updraft environment")
          .required("environment", new FieldType.Str(NAME, NAME_EXPECTED), "the environment's name")
          .optional(
              "target",
              new FieldType.Choice(
                  java.util.Arrays.stream(TargetName.values()).map(TargetName::word).toList()),
              "local",
              "where it runs")
          .optional("applications", services(APPLICATION), null, "applications by name")
          .optional("containers", services(CONTAINER), null, "containers by name")
          .optional("jobs", services(JOB), null, "jobs by name")
          .optional("databases", services(DATABASE), null, "databases by name")
          .optional("routers", services(ROUTER), null, "routers by name")
          .optional(
              "kubernetes", new FieldType.Obj(KUBERNETES), null, "kubernetes target settings");

  private Shapes() {}
}
