package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's Kubernetes mock server in CRUD mode, taught server-side apply: the CRUD dispatcher
 * stores, lists, watches and patches objects but refuses {@code application/apply-patch+yaml}, so
 * an apply here creates the object when it is missing and otherwise replaces what the stored one
 * declares, keeping its status and what other appliers own ({@link ManagedFields}: fields no longer
 * applied go unless another manager holds them). It records every apply.
 */
final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private final List<String> failingDeletes = new CopyOnWriteArrayList<>();

  MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new ApplyingDispatcher(), false);
    server.init();
    client = server.createClient();
  }

  KubernetesClient client() {
    return client;
  }

  /** {@code Kind/name?query} of every apply so far, in order. */
  List<String> applied() {
    return List.copyOf(applied);
  }

  void clearApplied() {
    applied.clear();
  }

  /** Makes every DELETE whose path contains {@code fragment} forbidden from now on (RBAC). */
  void failDeletes(String fragment) {
    failingDeletes.add(fragment);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private static final java.util.regex.Pattern MANAGER =
      java.util.regex.Pattern.compile("[?&]fieldManager=([^&]+)");

  private static final java.util.regex.Pattern LOG =
      java.util.regex.Pattern.compile("/api/v1/namespaces/[^/]+/pods/([^/]+)/log(\\?.*)?");

  private final class ApplyingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      java.util.regex.Matcher log = LOG.matcher(path);
      if (request.method() == HttpMethod.GET && log.matches()) {
        // The CRUD dispatcher knows no logs; a crashed pod's says why.
        return new MockResponse()
            .setResponseCode(200)
            .setBody(log.group(1) + " is out of memory\n" + log.group(1) + " exits\n");
      }
      if (request.method() == HttpMethod.DELETE
          && failingDeletes.stream().anyMatch(path::contains)) {
        return new MockResponse()
            .setResponseCode(403)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\"forbidden: User \\\"ci\\\" cannot delete this\","
                    + "\"reason\":\"Forbidden\",\"code\":403}");
      }
      String type = request.getHeader("Content-Type");
      if (request.method() != HttpMethod.PATCH || type == null || !type.contains("apply-patch")) {
        return super.dispatch(request);
      }
      String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      Map<String, Object> body = json(request.getUtf8Body());
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) body.get("metadata");
      applied.add(
          body.get("kind")
              + "/"
              + meta.get("name")
              + (path.contains("?") ? path.substring(path.indexOf('?')) : ""));
      java.util.regex.Matcher manager = MANAGER.matcher(path);
      String fieldManager = manager.find() ? manager.group(1) : "unnamed";
      String now =
          java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      MockResponse current = handleGet(resource);
      if (current.code() == 404) {
        ManagedFields.apply(new HashMap<>(), body, fieldManager, now);
        String collection = resource.substring(0, resource.lastIndexOf('/'));
        return handleCreate(
            request(HttpMethod.POST, collection, "application/json", Serialization.asJson(body)));
      }
      Map<String, Object> stored = json(current.getBody().readUtf8());
      Object status = stored.remove("status");
      ManagedFields.apply(stored, body, fieldManager, now);
      @SuppressWarnings("unchecked")
      Map<String, Object> storedMeta = (Map<String, Object>) stored.get("metadata");
      meta.put("resourceVersion", storedMeta.get("resourceVersion"));
      if (status != null) {
        body.put("status", status);
      }
      return handleUpdate(
          request(HttpMethod.PUT, resource, "application/json", Serialization.asJson(body)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
      return Serialization.unmarshal(text, LinkedHashMap.class);
    }

    private static RecordedRequest request(
        HttpMethod method, String path, String contentType, String body) {
      Headers headers = Headers.builder().add("Content-Type", contentType).build();
      return new RecordedRequest(
          "HTTP/1.1", method, path, headers, new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
