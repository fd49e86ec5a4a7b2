package dev.updraft.deploy.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * What can be known before anything runs about a spec meant for Kubernetes that will not work
 * there: an image a cluster cannot pull as named (no registry, or this machine's), and a command
 * whose runtime, or whose shell, its base image does not have. Only names are looked at, and only
 * names {@link BaseImages} knows: an unknown base image is given the benefit of the doubt.
 */
public final class SpecWarnings {
  private SpecWarnings() {}

  /** The warnings of {@code spec} on its target; none on the local target. */
  public static List<SpecWarning> of(EnvironmentSpec spec) {
    List<SpecWarning> warnings = new ArrayList<>();
    if (spec.target() != TargetName.KUBERNETES) {
      return warnings;
    }
    registry(spec, warnings);
    for (Service service : spec.services().values()) {
      switch (service) {
        case Service.Container c -> container(c, warnings);
        case Service.Application a -> runtime(a, a.process(), warnings);
        case Service.Job j -> runtime(j, j.process(), warnings);
        case Service.Database _, Service.Router _ -> {}
      }
    }
    return warnings;
  }

  private static void registry(EnvironmentSpec spec, List<SpecWarning> warnings) {
    List<String> built =
        spec.services().values().stream()
            .filter(s -> s.source().isPresent())
            .map(Service::name)
            .toList();
    if (built.isEmpty()) {
      return;
    }
    String registry = spec.kubernetes().registry();
    if (registry == null) {
      warnings.add(
          new SpecWarning(
              "kubernetes.registry",
              "NoRegistry",
              "not set, so the images of "
                  + String.join(", ", built)
                  + " would be named "
                  + spec.environment()
                  + "-"
                  + built.getFirst()
                  + ":VERSION, which a cluster pulls from Docker Hub and does not find there"
                  + " (apply refuses to build them)",
              "set kubernetes.registry to a registry the cluster pulls from, e.g. ghcr.io/acme"));
      return;
    }
    String host = registry.contains("/") ? registry.substring(0, registry.indexOf('/')) : registry;
    String bare = host.replaceAll(":\\d+$", "");
    if (bare.equals("localhost") || bare.equals("127.0.0.1") || bare.equals("[::1]")) {
      warnings.add(
          new SpecWarning(
              "kubernetes.registry",
              "LocalRegistry",
              registry
                  + " is this machine's: a cluster's nodes pull from their own "
                  + host
                  + ", so only a cluster that maps it to this machine's registry (kind or minikube"
                  + " configured so) can pull the images of "
                  + String.join(", ", built),
              "use a registry the nodes reach, or configure the cluster's runtime to mirror "
                  + host));
    }
  }

  private static void container(Service.Container c, List<SpecWarning> warnings) {
    if (BaseImages.registry(c.image()) != null) {
      return;
    }
    String full = "docker.io/" + (c.image().contains("/") ? "" : "library/") + c.image();
    warnings.add(
        new SpecWarning(
            "containers." + c.name() + ".image",
            "NoRegistry",
            c.image()
                + " names no registry: a cluster pulls it from Docker Hub as "
                + full
                + " if its runtime takes short names (CRI-O refuses them unless configured), and"
                + " Docker Hub limits anonymous pulls",
            "write the image with its registry, e.g. " + full));
  }

  private static void runtime(
      Service service, Service.Process process, List<SpecWarning> warnings) {
    String base = process.baseImage();
    BaseImages.Known known = BaseImages.of(base);
    if (!known.known()) {
      return;
    }
    String section = service.kind() + "s." + service.name();
    String field = section + ".baseImage";
    if (!known.shell()) {
      warnings.add(
          new SpecWarning(
              field,
              "NoShell",
              base + " has no shell, and the image runs " + section + ".command as sh -c COMMAND",
              "use a base image with /bin/sh (distroless images have one in their :debug tags)"));
      return;
    }
    for (String program : Commands.programs(process.command())) {
      BaseImages.Runtime needed = BaseImages.Runtime.ofProgram(program);
      if (needed != null && !known.runtimes().contains(needed)) {
        warnings.add(noRuntime(field, "its command runs " + program, needed, base));
        return;
      }
    }
    for (String program : Commands.programs(process.build())) {
      BaseImages.Runtime needed = BaseImages.Runtime.ofBuild(program);
      if (needed != null && !known.runtimes().contains(needed)) {
        warnings.add(
            noRuntime(
                field,
                "its build runs " + program + ", whose output needs " + needed.description,
                needed,
                base));
        return;
      }
    }
  }

  private static SpecWarning noRuntime(
      String field, String why, BaseImages.Runtime needed, String base) {
    return new SpecWarning(
        field,
        "NoRuntime",
        why + ", and its base image " + base + " has no " + needed.description,
        "set "
            + field
            + " (or kubernetes.baseImage) to an image with "
            + needed.description
            + ", e.g. "
            + needed.example
            + ": the build runs on this machine, the command in the image");
  }
}
