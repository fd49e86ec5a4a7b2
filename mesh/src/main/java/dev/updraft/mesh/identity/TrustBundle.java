package dev.updraft.mesh.identity;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The trust anchors a mesh accepts: one, or two while an anchor is rotated (the new one issues,
 * both verify, then the old one is dropped).
 */
public record TrustBundle(List<X509Certificate> anchors) {
  public TrustBundle {
    if (anchors == null || anchors.isEmpty() || anchors.size() > 2) {
      throw new IdentityException(
          "trustAnchors: "
              + (anchors == null ? 0 : anchors.size())
              + " certificates (expected: 1 or 2, two while an anchor is rotated)");
    }
    anchors = List.copyOf(anchors);
    for (X509Certificate anchor : anchors) {
      if (anchor.getBasicConstraints() < 0) {
        throw new IdentityException(
            "trustAnchors: \""
                + anchor.getSubjectX500Principal().getName()
                + "\" is not a CA certificate (expected: basicConstraints CA:true)");
      }
    }
  }

  public static TrustBundle of(X509Certificate... anchors) {
    return new TrustBundle(List.of(anchors));
  }

  Set<TrustAnchor> trustAnchors() {
    return anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet());
  }
}
