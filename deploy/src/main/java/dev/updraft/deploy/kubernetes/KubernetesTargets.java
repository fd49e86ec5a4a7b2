package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.state.StateDirectory;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Opens the kubernetes target of a spec: the cluster of the spec's kubeconfig context (the current
 * one when the spec names none) and the namespace. Each context and namespace has its own journal,
 * in {@code .updraft/<environment>/kubernetes/<context>/<namespace>/}: another cluster is another
 * deployment.
 */
public final class KubernetesTargets {
  private KubernetesTargets() {}

  /** The target through the kubeconfig ({@code $KUBECONFIG} or {@code ~/.kube/config}). */
  public static Target.Factory kubeconfig() {
    return new Target.Factory() {
      @Override
      public Path dataDir(EnvironmentSpec spec) {
        return KubernetesTargets.dataDir(spec, context(spec, config(spec)));
      }

      @Override
      public Target open(EnvironmentSpec spec) {
        Config config = config(spec);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Path dir = dataDir(spec);
        return new KubernetesTarget(
            spec, client, dir, true, new Images(spec, dir, System.getenv()));
      }
    };
  }

  /** The target on a given client, named {@code context} (tests, embedding). */
  public static Target.Factory of(KubernetesClient client, String context) {
    return of(client, context, (spec, dir) -> new Images(spec, dir, System.getenv()));
  }

  /** The same, with the image publisher {@code images} makes of a spec and data directory. */
  static Target.Factory of(
      KubernetesClient client,
      String context,
      BiFunction<EnvironmentSpec, Path, ImagePublisher> images) {
    return new Target.Factory() {
      @Override
      public Path dataDir(EnvironmentSpec spec) {
        return KubernetesTargets.dataDir(spec, context);
      }

      @Override
      public Target open(EnvironmentSpec spec) {
        Path dir = dataDir(spec);
        return new KubernetesTarget(spec, client, dir, false, images.apply(spec, dir));
      }
    };
  }

  static Path dataDir(EnvironmentSpec spec, String context) {
    return StateDirectory.of(spec)
        .resolve("kubernetes")
        .resolve(context.replaceAll("[^A-Za-z0-9._-]", "_"))
        .resolve(spec.namespace());
  }

  private static Config config(EnvironmentSpec spec) {
    String context = spec.kubernetes().context();
    Config config = Config.autoConfigure(context);
    if (context != null) {
      List<String> names =
          config.getContexts() == null
              ? List.of()
              : config.getContexts().stream().map(NamedContext::getName).toList();
      if (!names.contains(context)) {
        throw new DeployException(
            "KUBERNETES_CONTEXT",
            "kubernetes.context: " + context + " is not in the kubeconfig (it has " + names + ")",
            "kubectl config get-contexts lists them; set KUBECONFIG to use another file",
            null);
      }
    }
    return config;
  }

  private static String context(EnvironmentSpec spec, Config config) {
    if (spec.kubernetes().context() != null) {
      return spec.kubernetes().context();
    }
    NamedContext current = config.getCurrentContext();
    return current == null || current.getName() == null ? "default" : current.getName();
  }
}
