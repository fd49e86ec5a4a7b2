package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;

/**
 * Arbitrary bytes as a Certify request body, and its CSR through the authority: either a chain
 * comes out, or an {@link IdentityException} with a message; never another exception.
 */
class CertifyRequestFuzzTest {
  private static final CertificateAuthority CA =
      CertificateAuthority.create("cluster.local", Duration.ofHours(24), Clock.systemUTC());

  @FuzzTest(maxDuration = "5s")
  void certify(byte[] data) {
    try {
      CertifyRequest request = CertifyRequest.parse(data);
      assertThat(CA.certify(request.csr(), request.identity())).hasSize(2);
    } catch (IdentityException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }
}
