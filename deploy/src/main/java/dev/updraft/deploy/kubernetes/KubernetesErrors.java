package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The API server's refusals in words, with what to do: unreachable cluster, missing rights, invalid
 * objects, conflicts. The tag says which, for machines.
 */
final class KubernetesErrors {
  private KubernetesErrors() {}

  /**
   * @param service the service the call was for
   * @param doing what was tried, e.g. {@code apply Deployment catalog}
   */
  static DeployException of(String service, String doing, KubernetesClientException e) {
    String reason = reason(e);
    String prefix = service + ": cannot " + doing + ": ";
    return switch (Math.max(e.getCode(), 0)) { // no HTTP status at all: no answer
      case 0 ->
          new DeployException(
              "KUBERNETES_UNREACHABLE",
              prefix + "the cluster does not answer (" + reason + ")",
              "check the context: kubectl config current-context, and kubectl get ns",
              null);
      case 401 ->
          new DeployException(
              "KUBERNETES_UNAUTHORIZED",
              prefix + "the cluster rejected the credentials (" + reason + ")",
              "log in again to the cluster of the kubeconfig context",
              null);
      case 403 ->
          new DeployException(
              "KUBERNETES_FORBIDDEN",
              prefix + reason,
              "the kubeconfig user needs rights in the namespace: kubectl auth can-i --list -n "
                  + "NAMESPACE",
              null);
      case 409 ->
          new DeployException(
              "KUBERNETES_CONFLICT",
              prefix + reason,
              "another client changed the object meanwhile; run the command again",
              null);
      case 422, 400 ->
          new DeployException(
              "KUBERNETES_INVALID",
              prefix + "the cluster refused it: " + reason,
              "the message names the field; fix it in updraft.yaml",
              null);
      default ->
          new DeployException(
              "KUBERNETES_API",
              prefix + "HTTP " + e.getCode() + ": " + reason,
              "kubectl get events -n NAMESPACE may say more",
              null);
    };
  }

  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    // fabric8 wraps the transport's error; the innermost one says what happened.
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause.getMessage() == null) {
      return cause.getClass().getSimpleName();
    }
    return cause == e
        ? cause.getMessage()
        : cause.getMessage() + " (" + cause.getClass().getSimpleName() + ")";
  }
}
