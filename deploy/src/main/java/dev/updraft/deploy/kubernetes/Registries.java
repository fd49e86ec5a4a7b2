package dev.updraft.deploy.kubernetes;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registries as jib reaches them: credentials the way docker finds them ({@code
 * $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}, with the credential helpers and
 * stores they name, then the well-known helpers), and whether a tag is there.
 */
final class Registries {
  private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]");

  private Registries() {}

  /** A manifest in a registry: its digest and the digests of its layers. */
  record Found(String digest, List<String> layers) {
    Found {
      layers = List.copyOf(layers);
    }
  }

  /** Whether a registry is on this machine, where plain HTTP cannot be listened in on. */
  static boolean local(ImageReference image) {
    String registry = image.getRegistry();
    int colon = registry.lastIndexOf(':');
    String host = colon > registry.lastIndexOf(']') ? registry.substring(0, colon) : registry;
    return LOCAL.contains(host);
  }

  /** Where jib looks for the credentials of {@code image}, in order. */
  static List<CredentialRetriever> retrievers(ImageReference image, Map<String, String> env) {
    CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(image, log -> {}, env);
    String dockerConfig = env.get("DOCKER_CONFIG");
    Path config =
        dockerConfig != null && !dockerConfig.isBlank()
            ? Path.of(dockerConfig, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    List<CredentialRetriever> retrievers = new ArrayList<>();
    retrievers.add(factory.dockerConfig(config));
    retrievers.add(factory.wellKnownCredentialHelpers());
    return retrievers;
  }

  /** The manifest of the image's tag or digest, if the registry has it (a list: no layers). */
  static Optional<Found> find(ImageReference image, Map<String, String> env, boolean insecure)
      throws IOException, RegistryException, CredentialRetrievalException {
    Credential credential = null;
    for (CredentialRetriever retriever : retrievers(image, env)) {
      Optional<Credential> found = retriever.retrieve();
      if (found.isPresent()) {
        credential = found.get();
        break;
      }
    }
    FailoverHttpClient http = new FailoverHttpClient(insecure, false, log -> {});
    try {
      RegistryClient client =
          RegistryClient.factory(
                  EventHandlers.NONE, image.getRegistry(), image.getRepository(), http)
              .setCredential(credential)
              .setUserAgent("updraft")
              .newRegistryClient();
      // As jib does: a bearer token when the registry hands them out, else basic credentials.
      if (!client.doPullBearerAuth() && credential != null) {
        client.configureBasicAuth();
      }
      // A tag or a digest; a missing one is a 404, which jib's checker turns into empty.
      Optional<ManifestAndDigest<ManifestTemplate>> found =
          client.checkManifest(image.getQualifier());
      if (found.isEmpty()) {
        return Optional.empty();
      }
      List<String> layers = new ArrayList<>();
      if (found.get().getManifest() instanceof BuildableManifestTemplate manifest) {
        manifest.getLayers().forEach(l -> layers.add(l.getDigest().toString()));
      }
      return Optional.of(new Found(found.get().getDigest().toString(), layers));
    } finally {
      http.shutDown();
    }
  }
}
