package dev.updraft.deploy.kubernetes;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.updraft.deploy.apply.DeployException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * A failed image build or push in words, with what to do: a registry that does not answer, refuses
 * the credentials, wants TLS, or an image that is not there. Jib wraps its failures (in {@code
 * ExecutionException}s, its own exceptions, the HTTP client's), so the cause chain is searched for
 * the first one that says what happened. The tag says which, for machines.
 */
final class ImageErrors {
  private ImageErrors() {}

  /**
   * @param doing what was tried, e.g. {@code push 127.0.0.1:5000/shop-api:0123abcd}
   * @param image the image the registry was asked about
   * @param field the spec field that names it, e.g. {@code kubernetes.registry}
   * @param tail what jib logged last, or null
   */
  static DeployException of(
      String service,
      String doing,
      ImageReference image,
      String field,
      Throwable failure,
      String tail) {
    String prefix = service + ": cannot " + doing + ": ";
    String registry = image.getRegistry();
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      DeployException known =
          switch (e) {
            case InterruptedException i -> {
              Thread.currentThread().interrupt();
              yield new DeployException("INTERRUPTED", prefix + "interrupted", null, tail);
            }
            case RegistryUnauthorizedException u ->
                unauthorized(prefix, registry, image, status(u), tail);
            case RegistryAuthenticationFailedException a ->
                unauthorized(prefix, registry, image, firstLine(a), tail);
            case RegistryCredentialsNotSentException n ->
                new DeployException(
                    "IMAGE_CREDENTIALS_NOT_SENT",
                    prefix
                        + registry
                        + " asks for credentials, which are never sent over plain HTTP",
                    "serve the registry over HTTPS (with kubernetes.insecureRegistry: true a"
                        + " self-signed certificate will do), and log in with docker login "
                        + registry,
                    tail);
            case InsecureRegistryException i ->
                new DeployException(
                    "IMAGE_INSECURE_REGISTRY",
                    prefix + registry + " does not offer HTTPS with a certificate this JVM trusts",
                    "plain HTTP and unverified TLS are allowed only when the registry and the base"
                        + " image are both on localhost or 127.0.0.1; set"
                        + " kubernetes.insecureRegistry: true to allow them for registries you"
                        + " trust",
                    tail);
            case CredentialRetrievalException c ->
                new DeployException(
                    "IMAGE_CREDENTIALS",
                    prefix + "reading the credentials for " + registry + " failed: " + firstLine(c),
                    "check the credential helper your docker config names for " + registry,
                    tail);
            case ConnectException c -> unreachable(prefix, registry, field, c, tail);
            case UnknownHostException u -> unreachable(prefix, registry, field, u, tail);
            case NoRouteToHostException n -> unreachable(prefix, registry, field, n, tail);
            case SocketTimeoutException s -> unreachable(prefix, registry, field, s, tail);
            case CacheDirectoryCreationException c ->
                new DeployException(
                    "IMAGE_CACHE",
                    prefix + "jib cannot create its cache directory: " + firstLine(c),
                    "make the target's data directory (.updraft/) writable",
                    tail);
            default -> null;
          };
      if (known != null) {
        return known;
      }
    }
    Throwable said = failure;
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof RegistryException) {
        said = e; // the registry's own words, before the HTTP client's
        break;
      }
    }
    return new DeployException(
        "IMAGE_FAILED",
        prefix + firstLine(said),
        "the image step's log says more: .updraft/ENV/kubernetes/CONTEXT/NAMESPACE/logs/",
        tail);
  }

  private static DeployException unauthorized(
      String prefix, String registry, ImageReference image, String why, String tail) {
    return new DeployException(
        "IMAGE_UNAUTHORIZED",
        prefix + registry + " refused access to " + image.getRepository() + " (" + why + ")",
        "log in with docker login "
            + registry
            + ": updraft reads $DOCKER_CONFIG/config.json or ~/.docker/config.json and the"
            + " credential helpers it names",
        tail);
  }

  private static DeployException unreachable(
      String prefix, String registry, String field, Throwable e, String tail) {
    return new DeployException(
        "IMAGE_REGISTRY_UNREACHABLE",
        prefix + registry + " does not answer (" + firstLine(e) + ")",
        "check "
            + field
            + " in updraft.yaml, and that the registry runs and is reachable from here",
        tail);
  }

  private static String status(RegistryUnauthorizedException e) {
    return e.getCause() instanceof ResponseException r
        ? "HTTP " + r.getStatusCode()
        : "unauthorized";
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.strip().lines().findFirst().orElse(message);
  }
}
