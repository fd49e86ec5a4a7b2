package dev.updraft.deploy;

import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.kubernetes.KubernetesTargets;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.spec.EnvironmentSpec;
import java.nio.file.Path;

/**
 * Every target updraft has, chosen by the spec's {@code target} (or the command line's): the local
 * machine's supervised processes, or the Kubernetes cluster of the kubeconfig.
 */
public final class Targets {
  private static final Target.Factory LOCAL = RuntimeTarget.local();
  private static final Target.Factory KUBERNETES = KubernetesTargets.kubeconfig();

  private Targets() {}

  public static Target.Factory all() {
    return new Target.Factory() {
      @Override
      public Path dataDir(EnvironmentSpec spec) {
        return of(spec).dataDir(spec);
      }

      @Override
      public Target open(EnvironmentSpec spec) {
        return of(spec).open(spec);
      }
    };
  }

  private static Target.Factory of(EnvironmentSpec spec) {
    return switch (spec.target()) {
      case KUBERNETES -> KUBERNETES;
      case LOCAL -> LOCAL;
    };
  }
}
