package dev.updraft.mesh.identity;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a peer's chain against the mesh's trust anchors and, on the client side, that the leaf
 * names the identity the endpoint is expected to have (a DNS or URI SAN, as Linkerd's verifier,
 * which never matches names against the address dialled). The check runs inside the handshake, so
 * no request is ever written to a peer with the wrong identity.
 */
public final class MeshTrustManager extends X509ExtendedTrustManager {
  private final TrustBundle bundle;
  private final String expectedServer;

  /**
   * @param expectedServer the identity a server must present, or null to accept any identity the
   *     anchors vouch for (the server side, checking clients)
   */
  public MeshTrustManager(TrustBundle bundle, String expectedServer) {
    this.bundle = bundle;
    this.expectedServer = expectedServer;
  }

  /** The DNS and URI SANs of a certificate, in order. */
  public static List<String> names(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 6) { // dNSName, uniformResourceIdentifier
            out.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return out;
  }

  /** A peer's identity: the first DNS or URI SAN of its leaf (Linkerd's client_identity). */
  public static String identity(X509Certificate leaf) {
    List<String> names = names(leaf);
    return names.isEmpty() ? null : names.getFirst();
  }

  /** Verifies {@code chain} (leaf first) up to an anchor of {@code bundle}, now. */
  public static void verify(TrustBundle bundle, List<X509Certificate> chain)
      throws CertificateException {
    if (chain.isEmpty()) {
      throw new CertificateException("peer: no certificate (expected: a chain to a mesh anchor)");
    }
    try {
      PKIXParameters params = new PKIXParameters(bundle.trustAnchors());
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "peer: \""
              + chain.getFirst().getSubjectX500Principal().getName()
              + "\" does not verify against the mesh's trust anchors ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private void check(X509Certificate[] chain, boolean server) throws CertificateException {
    verify(bundle, Arrays.asList(chain));
    if (server && expectedServer != null && !names(chain[0]).contains(expectedServer)) {
      throw new CertificateException(
          "server identity: " + names(chain[0]) + " (expected: " + expectedServer + ")");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.anchors().toArray(X509Certificate[]::new);
  }
}
