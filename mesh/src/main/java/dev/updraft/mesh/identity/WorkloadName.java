package dev.updraft.mesh.identity;

import java.util.regex.Pattern;

/**
 * A workload's identity, named as Linkerd names it: {@code
 * <serviceAccount>.<namespace>.serviceaccount.identity.<controlNamespace>.<trustDomain>}, plus the
 * SPIFFE ID {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>} that leaf
 * certificates also carry.
 */
public record WorkloadName(
    String serviceAccount, String namespace, String controlNamespace, String trustDomain) {
  private static final String MIDDLE = ".serviceaccount.identity.";
  // RFC 1123 labels, as Kubernetes names service accounts and namespaces.
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  public WorkloadName {
    label("serviceAccount", serviceAccount);
    label("namespace", namespace);
    label("controlNamespace", controlNamespace);
    if (trustDomain == null
        || trustDomain.length() > 253
        || !DOMAIN.matcher(trustDomain).matches()) {
      throw new IdentityException(
          "trustDomain: \"" + trustDomain + "\" (expected: a DNS domain such as cluster.local)");
    }
  }

  /**
   * Reads the DNS form back, e.g. {@code web.shop.serviceaccount.identity.updraft.cluster.local}.
   */
  public static WorkloadName parse(String field, String dnsName) {
    int middle = dnsName == null ? -1 : dnsName.indexOf(MIDDLE);
    int firstDot = dnsName == null ? -1 : dnsName.indexOf('.');
    if (middle < 0 || firstDot <= 0 || firstDot >= middle) {
      throw new IdentityException(
          field
              + ": \""
              + dnsName
              + "\" (expected: <serviceaccount>.<namespace>.serviceaccount.identity"
              + ".<control-namespace>.<trust-domain>)");
    }
    String rest = dnsName.substring(middle + MIDDLE.length());
    int dot = rest.indexOf('.');
    if (dot <= 0) {
      throw new IdentityException(
          field + ": \"" + dnsName + "\" (expected: a control namespace and a trust domain)");
    }
    try {
      return new WorkloadName(
          dnsName.substring(0, firstDot),
          dnsName.substring(firstDot + 1, middle),
          rest.substring(0, dot),
          rest.substring(dot + 1));
    } catch (IdentityException e) {
      throw new IdentityException(field + ": " + e.getMessage(), e);
    }
  }

  /** The DNS-like name, the certificate's DNS SAN and the mesh's identity string. */
  public String dnsName() {
    return serviceAccount + "." + namespace + MIDDLE + controlNamespace + "." + trustDomain;
  }

  /** The SPIFFE ID, the certificate's URI SAN. */
  public String spiffeId() {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  @Override
  public String toString() {
    return dnsName();
  }

  private static void label(String field, String value) {
    if (value == null || !LABEL.matcher(value).matches()) {
      throw new IdentityException(
          field
              + ": \""
              + value
              + "\" (expected: a DNS label: lowercase letters, digits and '-', at most 63)");
    }
  }
}
