package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The last lines of a container's log, read straight from the API server's log endpoint. fabric8's
 * {@code getLog()} first waits for the pod to be ready through a watch of its own, even with a zero
 * wait: a watch opened and closed for every failing pod whose tail is shown (and the mock server of
 * the tests can stall on such closes). The pods of a failing rollout are not going to be ready;
 * their log is wanted as it is.
 */
final class PodLogs {
  private PodLogs() {}

  /**
   * The last {@code lines} of {@code container} in {@code pod} ({@code previous}: of its last
   * terminated run), or null if the API server has none (404).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the API server refuses
   */
  static String tail(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      boolean previous,
      int lines) {
    StringBuilder uri = logUri(client, namespace, pod).append("?tailLines=").append(lines);
    if (container != null) {
      uri.append("&container=").append(encode(container));
    }
    if (previous) {
      uri.append("&previous=true");
    }
    return client.raw(uri.toString());
  }

  /**
   * A container's lines, each behind the kubelet's RFC 3339 timestamp, from {@code since} (whole
   * seconds; {@link Instant#EPOCH}: all) and at most the last {@code tail} ({@code -1}: all), or
   * null if the API server has none (404).
   */
  static String stamped(
      KubernetesClient client, String namespace, String pod, Instant since, int tail) {
    StringBuilder uri = logUri(client, namespace, pod).append("?timestamps=true");
    if (since.isAfter(Instant.EPOCH)) {
      uri.append("&sinceTime=").append(encode(since.truncatedTo(ChronoUnit.SECONDS).toString()));
    }
    if (tail >= 0) {
      uri.append("&tailLines=").append(tail);
    }
    return client.raw(uri.toString());
  }

  /** The pod's log endpoint, without a query. */
  private static StringBuilder logUri(KubernetesClient client, String namespace, String pod) {
    return new StringBuilder(client.getMasterUrl().toString().replaceAll("/+$", ""))
        .append("/api/v1/namespaces/")
        .append(encode(namespace))
        .append("/pods/")
        .append(encode(pod))
        .append("/log");
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8);
  }
}
