package dev.updraft.deploy.kubernetes;

import dev.updraft.mesh.transport.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (the CNCF distribution registry)
 * serving a temporary directory on a free 127.0.0.1 port, optionally behind htpasswd basic auth
 * over TLS (a self-signed certificate made with the JDK's keytool), and a client for its v2 HTTP
 * API. Its log (every request) is kept, to count what was pushed.
 */
final class LocalRegistry implements AutoCloseable {
  /** The manifests a client accepts, as docker and containerd send them. */
  static final String MANIFESTS =
      "application/vnd.oci.image.manifest.v1+json,"
          + "application/vnd.docker.distribution.manifest.v2+json,"
          + "application/vnd.oci.image.index.v1+json,"
          + "application/vnd.docker.distribution.manifest.list.v2+json";

  private final Process process;
  private final Path log;
  private final int port;
  private final String scheme;
  private final HttpClient http;

  /** A registry without auth, over plain HTTP. */
  LocalRegistry(Path dir) throws Exception {
    this(dir, null);
  }

  /**
   * @param htpasswd a htpasswd file of users (bcrypt) for a registry with basic auth over TLS, or
   *     null for one without auth over plain HTTP
   */
  LocalRegistry(Path dir, Path htpasswd) throws Exception {
    port = freePort();
    log = dir.resolve("registry.log");
    String auth = "";
    if (htpasswd != null) {
      SSLContext tls = certificate(dir);
      http = HttpClient.newBuilder().sslContext(tls).build();
      scheme = "https";
      auth =
          """
            tls:
              certificate: %s
              key: %s
          auth:
            htpasswd:
              realm: updraft-test
              path: %s
          """
              .formatted(dir.resolve("cert.pem"), dir.resolve("key.pem"), htpasswd);
    } else {
      http = HttpClient.newHttpClient();
      scheme = "http";
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: false
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
        %s"""
            .formatted(dir.resolve("storage"), port, auth));
    process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        int status = get("/v2/", "*/*").statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IOException("docker-registry did not start: " + Files.readString(log), e);
        }
      }
      Thread.sleep(50);
    }
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image references. */
  String host() {
    return "127.0.0.1:" + port;
  }

  HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(scheme + "://" + host() + path))
            .header("Accept", accept)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Deletes what {@code path} names (a manifest by digest); returns the HTTP status. */
  int delete(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(scheme + "://" + host() + path)).DELETE().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** A blob, as a stream (layers are gzipped tars). */
  InputStream blob(String repository, String digest) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(scheme + "://" + host() + "/v2/" + repository + "/blobs/" + digest))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IOException("blob " + digest + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** The requests the registry logged with this method, e.g. {@code PATCH} for blob uploads. */
  List<String> requests(String method) {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains("\"" + method + " /v2/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Writes a self-signed certificate for 127.0.0.1 as PEM files; returns a context trusting it. */
  private static SSLContext certificate(Path dir) throws Exception {
    Path store = dir.resolve("tls.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    if (keytool.waitFor() != 0) {
      throw new IOException("keytool: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    Files.writeString(
        dir.resolve("key.pem"),
        pem("PRIVATE KEY", keys.getKey("registry", "changeit".toCharArray()).getEncoded()));
    Files.writeString(
        dir.resolve("cert.pem"), pem("CERTIFICATE", keys.getCertificate("registry").getEncoded()));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static int freePort() throws IOException {
    return FreePorts.any();
  }
}
