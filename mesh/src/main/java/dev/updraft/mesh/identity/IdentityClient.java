package dev.updraft.mesh.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A proxy's side of Certify: sends its CSR and token to the identity service over HTTP/2 with TLS,
 * checking that the service presents {@code serverName} under the mesh's anchors, and checks the
 * chain it gets back before anyone uses it.
 */
public final class IdentityClient implements ProxyIdentity.Certifier {
  private final URI endpoint;
  private final HttpClient http;
  private final TrustBundle bundle;

  public IdentityClient(URI service, TrustBundle bundle, String serverName, Duration timeout) {
    if (!"https".equals(service.getScheme()) || service.getHost() == null) {
      throw new IdentityException(
          "identity.url: \"" + service + "\" (expected: https://host:port)");
    }
    this.endpoint = service.resolve(CertifyHandler.PATH);
    this.bundle = bundle;
    try {
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, new TrustManager[] {new MeshTrustManager(bundle, serverName)}, null);
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .sslContext(tls)
              .connectTimeout(timeout)
              .build();
    } catch (GeneralSecurityException e) {
      throw new IdentityException("tls: cannot set up the identity client: " + e.getMessage(), e);
    }
  }

  @Override
  public Credentials certify(KeyPair keys, WorkloadName name, String token) {
    byte[] body = new CertifyRequest(name, token, Csr.create(keys, name)).toJson();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IdentityException("identity service " + endpoint + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IdentityException("identity service " + endpoint + ": interrupted", e);
    }
    CertifyResponse answer = CertifyResponse.parse(response.body());
    return new Credentials(keys.getPrivate(), answer.chain()).checked(bundle, name);
  }
}
