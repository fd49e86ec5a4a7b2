package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.ServiceKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusMessage;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pod logs and exec through fabric8, against its mock server: pods are found by the service's
 * labels, lines carry the kubelet's stamps, following asks again from the last second seen without
 * repeating a line, and exec hands back the command's output and exit code.
 */
class PodAccessTest {
  private static final String LOG = "/api/v1/namespaces/shop/pods/%s/log?timestamps=true";
  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final Labels labels = new Labels("shop", "shop");
  private final ServiceState state =
      new ServiceState(
          "web",
          ServiceKind.APPLICATION,
          "v1",
          null,
          List.of(new ServiceState.Instance("Deployment/web", 8080)),
          null,
          Map.of());

  @BeforeEach
  void start() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    client = server.createClient();
    for (String name : List.of("web-a", "web-b")) {
      client
          .pods()
          .inNamespace("shop")
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withLabels(labels.versioned("web", "application", "v1"))
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("web")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void readsEveryPodsStampedLinesInTimeOrderAndCutsTheTail() throws Exception {
    server
        .expect()
        .get()
        .withPath(LOG.formatted("web-a"))
        .andReturn(200, "2026-12-07T10:00:01.000000001Z a one\n2026-12-07T10:00:03Z a two\n")
        .always();
    server
        .expect()
        .get()
        .withPath(LOG.formatted("web-b"))
        .andReturn(200, "2026-12-07T10:00:02.5Z b one\n")
        .always();
    PodAccess pods = new PodAccess(client, labels);
    assertThat(pods.pods("web")).containsExactly("web-a", "web-b");
    List<String> lines = new CopyOnWriteArrayList<>();
    pods.logs(
        state,
        new LogQuery("web", "", Instant.EPOCH, -1, false),
        l -> lines.add(show(l)),
        () -> true);
    assertThat(lines).containsExactly("web-a a one", "web-b b one", "web-a a two");

    server
        .expect()
        .get()
        .withPath(LOG.formatted("web-a") + "&tailLines=1")
        .andReturn(200, "2026-12-07T10:00:03Z a two\n")
        .always();
    lines.clear();
    pods.logs(
        state,
        new LogQuery("web", "web-a", Instant.EPOCH, 1, false),
        l -> lines.add(show(l)),
        () -> true);
    assertThat(lines).containsExactly("web-a a two");
  }

  @Test
  void followingAsksFromTheLastSecondSeenAndRepeatsNoLine() throws Exception {
    server
        .expect()
        .get()
        .withPath(LOG.formatted("web-a"))
        .andReturn(200, "2026-12-07T10:00:01.100Z first\n")
        .always();
    server
        .expect()
        .get()
        .withPath(LOG.formatted("web-a") + "&sinceTime=2026-12-07T10%3A00%3A01Z")
        .andReturn(200, "2026-12-07T10:00:01.100Z first\n2026-12-07T10:00:01.200Z second\n")
        .always();
    List<String> lines = new CopyOnWriteArrayList<>();
    new PodAccess(client, labels)
        .logs(
            state,
            new LogQuery("web", "web-a", Instant.EPOCH, -1, true),
            l -> lines.add(show(l)),
            () -> lines.size() >= 2);
    assertThat(lines).containsExactly("web-a first", "web-a second");
  }

  @Test
  void anUnknownPodIsNamedWithTheKnownOnes() {
    assertThatThrownBy(
            () ->
                new PodAccess(client, labels)
                    .logs(
                        state,
                        new LogQuery("web", "web-z", Instant.EPOCH, -1, false),
                        l -> {},
                        () -> true))
        .hasMessage("instance: web-z is not a pod of web (pods: [web-a, web-b])");
  }

  @Test
  void execRunsInThePodAndHandsBackOutputAndExitCode() {
    // Expectations only: the CRUD dispatcher answers a WebSocket upgrade with a plain 200.
    KubernetesMockServer exec = new KubernetesMockServer(false);
    exec.init();
    try (KubernetesClient execClient = exec.createClient()) {
      Pod pod = client.pods().inNamespace("shop").withName("web-b").get();
      exec.expect()
          .get()
          .withPath(
              "/api/v1/namespaces/shop/pods?labelSelector="
                  + "app.kubernetes.io%2Fname%3Dweb%2Capp.kubernetes.io%2Fpart-of%3Dshop")
          .andReturn(200, new PodListBuilder().withItems(pod).build())
          .always();
      exec.expect()
          .get()
          .withPath("/api/v1/namespaces/shop/pods/web-b")
          .andReturn(200, pod)
          .always();
      exec.expect()
          .get()
          .withPath(
              "/api/v1/namespaces/shop/pods/web-b/exec?command=sh&command=-c&command=exit%203"
                  + "&container=web&stdin=true&stdout=true&stderr=true")
          .andUpgradeToWebSocket()
          .open(
              new OutputStreamMessage("from the pod\n"),
              // As the API server words a non-zero exit (StatusMessage(int) sets only a code).
              new StatusMessage(
                  new StatusBuilder()
                      .withStatus("Failure")
                      .withReason("NonZeroExitCode")
                      .withNewDetails()
                      .addNewCause()
                      .withReason("ExitCode")
                      .withMessage("3")
                      .endCause()
                      .endDetails()
                      .build()))
          .done()
          .always();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code =
          new PodAccess(execClient, labels)
              .exec(
                  state,
                  "web-b",
                  List.of("sh", "-c", "exit 3"),
                  new ByteArrayInputStream(new byte[0]),
                  out,
                  new ByteArrayOutputStream());
      assertThat(code).isEqualTo(3);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("from the pod\n");
    } finally {
      exec.destroy();
    }
  }

  private static String show(LogLine line) {
    return line.instance() + " " + line.text();
  }
}
