package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.apply.Plan;
import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.EnvironmentSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on the kubernetes target against fabric8's mock API server in CRUD mode, whose missing
 * controllers {@link FakeControllers} play: apply, update, rollouts followed through watches, a
 * failed rollout rolled back, repair, destroy.
 */
class KubernetesDeployIT {
  static final String SPEC =
      """
      environment: shop
      target: kubernetes
      kubernetes: {namespace: shop, registry: registry.example.com/acme, timeout: 60s}
      applications:
        catalog:
          path: ./catalog
          command: java -cp out Catalog
          port: 8101
          instances: 2
          env: {DATABASE_URL: "${db.url}", SEEDED_AT: "${migrate.outputs.SEEDED_AT}", LEVEL: info}
          secrets: {API_TOKEN: {value: s3cret-token}}
          health: {path: /health}
          resources: {memory: 256Mi, cpu: 0.5}
          autoscale: {max: 4}
      containers:
        search: {image: "opensearch:2.11", port: 9200, env: {CATALOG: "${catalog.url}"}}
      jobs:
        migrate:
          path: ./migrate
          command: sh migrate.sh
          outputs: [SEEDED_AT]
          env: {DATABASE_URL: "${db.url}"}
        cleanup: {path: ./migrate, command: sh cleanup.sh, when: cron, schedule: "0 3 * * *"}
        farewell: {path: ./migrate, command: sh bye.sh, when: delete}
      databases:
        db: {engine: postgres, version: "15"}
        cache: {engine: redis}
      routers:
        web:
          port: 80
          hosts: [shop.example.com]
          routes: [{path: /api, service: catalog}, {path: /, service: search}]
      """;

  // The rollout timeout above is 60 s because the mock server's event loop can stall ~30 s when a
  // watch closes while it sends (fabric8's WatchEventsListener.onClosed awaits its sender's
  // termination on that loop); a rollout going on meanwhile sees nothing until it resumes.
  @TempDir Path dir;
  MockCluster cluster;
  KubernetesClient client;
  FakeControllers controllers;
  final List<Event> events = new CopyOnWriteArrayList<>();
  Path spec;

  @BeforeEach
  void start() throws Exception {
    cluster = new MockCluster();
    client = cluster.client();
    controllers = new FakeControllers(client, "shop");
    controllers.outputs.put("migrate", "SEEDED_AT=2026-12-01T00:00:00Z\n");
    Files.createDirectories(dir.resolve("catalog"));
    Files.writeString(dir.resolve("catalog/Catalog.java"), "class Catalog {}\n");
    Files.createDirectories(dir.resolve("migrate"));
    Files.writeString(dir.resolve("migrate/migrate.sh"), "echo SEEDED_AT=now > $UPDRAFT_OUTPUT\n");
    spec = dir.resolve("updraft.yaml");
    Files.writeString(spec, SPEC);
  }

  @AfterEach
  void stop() {
    controllers.close();
    cluster.close();
  }

  /** Images are another test's concern (ImagesIT): here they are taken as pushed, by tag. */
  static final ImagePublisher PUSHED =
      (release, service, version) ->
          KubernetesRenderer.image(release.spec(), service.name(), version);

  Engine engine() {
    return engine(spec, events, client, (spec, dir) -> PUSHED);
  }

  /** The engine on the mock cluster with the image publisher {@code images} makes. */
  static Engine engine(
      Path spec,
      List<Event> events,
      KubernetesClient client,
      BiFunction<EnvironmentSpec, Path, ImagePublisher> images) {
    return new Engine(
        spec,
        events::add,
        new Redactor(),
        Map.of(),
        4,
        null,
        KubernetesTargets.of(client, "mock", images));
  }

  void edit(String from, String to) throws Exception {
    edit(spec, from, to);
  }

  /** Replaces text that must be in the spec. */
  static void edit(Path spec, String from, String to) throws Exception {
    String text = Files.readString(spec);
    assertThat(text).contains(from);
    Files.writeString(spec, text.replace(from, to));
  }

  @Test
  void appliesEveryServiceAndFollowsItsRolloutThroughWatches() {
    Engine.Outcome outcome = engine().apply();

    assertThat(outcome.release()).isEqualTo(1);
    assertThat(client.namespaces().withName("shop").get()).isNotNull();
    Deployment catalog = client.apps().deployments().inNamespace("shop").withName("catalog").get();
    String version = outcome.services().get("catalog").version();
    assertThat(catalog.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("registry.example.com/acme/shop-catalog:" + version);
    assertThat(catalog.getSpec().getReplicas()).as("the autoscaler owns the count").isNull();
    var hpa = autoscaler();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
    ConfigMap env = client.configMaps().inNamespace("shop").withName("catalog-env").get();
    assertThat(env.getData())
        .containsEntry("LEVEL", "info")
        .containsEntry("PORT", "8101")
        .containsEntry("SEEDED_AT", "2026-12-01T00:00:00Z")
        .doesNotContainKeys("DATABASE_URL", "API_TOKEN");
    Map<String, String> secrets =
        decode(client.secrets().inNamespace("shop").withName("catalog-secrets").get());
    assertThat(secrets).containsEntry("API_TOKEN", "s3cret-token");
    String password = outcome.services().get("db").attributes().get("password");
    assertThat(secrets.get("DATABASE_URL"))
        .isEqualTo("postgresql://postgres:" + password + "@db.shop.svc:5432/db");
    assertThat(decode(client.secrets().inNamespace("shop").withName("db-credentials").get()))
        .containsEntry("password", password);
    assertThat(client.apps().statefulSets().inNamespace("shop").withName("cache").get())
        .isNotNull();
    String migrate = "migrate-" + outcome.services().get("migrate").version();
    assertThat(client.batch().v1().jobs().inNamespace("shop").withName(migrate).get()).isNotNull();
    assertThat(client.batch().v1().cronjobs().inNamespace("shop").withName("cleanup").get())
        .isNotNull();
    assertThat(client.network().v1().ingresses().inNamespace("shop").withName("web").get())
        .isNotNull();
    assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems())
        .as("on-delete jobs wait for destroy")
        .noneMatch(j -> j.getMetadata().getName().startsWith("farewell"));
    assertThat(catalog.getSpec().getTemplate().getSpec().getInitContainers())
        .as("meshed: the proxy as a native sidecar")
        .singleElement()
        .satisfies(p -> assertThat(p.getRestartPolicy()).isEqualTo("Always"));
    assertThat(client.apps().deployments().inNamespace("shop").withName(MeshNames.IDENTITY).get())
        .isNotNull();
    assertThat(client.serviceAccounts().inNamespace("shop").withName("catalog").get()).isNotNull();
    assertThat(
            client
                .rbac()
                .clusterRoleBindings()
                .withName(MeshNames.IDENTITY + "-shop")
                .get()
                .getSubjects())
        .singleElement()
        .satisfies(b -> assertThat(b.getName()).isEqualTo(MeshNames.IDENTITY));

    assertThat(cluster.applied()).allMatch(a -> a.endsWith("fieldManager=updraft&force=true"));
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof Event.StepEvent s
                    && s.service().equals("search")
                    && s.outcome() == StepOutcome.DONE
                    && s.message().equals("1 of 1 new pods available"))
        // The watch may deliver the ready pod only with the rollout's end: the counts come as
        // Pods events while it waits, the ready one in the step's last word.
        .anyMatch(e -> e instanceof Event.Pods p && p.service().equals("db"))
        .anyMatch(
            e ->
                e instanceof Event.StepEvent s
                    && s.service().equals("db")
                    && s.outcome() == StepOutcome.DONE
                    && s.message().equals("1 of 1 pods ready"))
        .anyMatch(
            e ->
                e instanceof Event.ContainerExit x
                    && x.service().equals("migrate")
                    && x.meaning().equals("exited normally (0)"));
    assertThat(events.toString()).doesNotContain(password).doesNotContain("s3cret-token");
    assertThat(outcome.services().get("catalog").instances().getFirst().id())
        .isEqualTo("Deployment/catalog");

    cluster.clearApplied();
    Engine.Outcome again = engine().apply();
    assertThat(again.plan().isEmpty()).isTrue();
    assertThat(cluster.applied()).as("an unchanged spec applies nothing").isEmpty();
  }

  @Test
  void addingAutoscaleLeavesTheRunningCountToTheAutoscalerWithoutADip() throws Exception {
    edit("instances: 2", "instances: 3");
    edit("    autoscale: {max: 4}\n", "");
    engine().apply();
    assertThat(catalog().getSpec().getReplicas()).isEqualTo(3);
    assertThat(ReplicasHandover.ownsReplicas(catalog(), Labels.MANAGER)).isTrue();

    cluster.clearApplied();
    edit("cpu: 0.5}\n", "cpu: 0.5}\n    autoscale: {max: 6}\n");
    engine().apply();

    assertThat(catalog().getSpec().getReplicas())
        .as("server-side apply would have dropped the count to the default 1")
        .isEqualTo(3);
    assertThat(ReplicasHandover.ownsReplicas(catalog(), Labels.MANAGER)).isFalse();
    assertThat(ReplicasHandover.ownsReplicas(catalog(), ReplicasHandover.MANAGER)).isTrue();
    assertThat(cluster.applied())
        .containsSubsequence(
            "Deployment/catalog?fieldManager=updraft-handover&force=true",
            "Deployment/catalog?fieldManager=updraft&force=true");
    var hpa = autoscaler();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);

    cluster.clearApplied();
    edit("cpu: 0.5}\n", "cpu: 0.25}\n");
    engine().apply();
    assertThat(cluster.applied())
        .as("handed over once")
        .noneMatch(a -> a.contains(ReplicasHandover.MANAGER));
  }

  private io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler autoscaler() {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace("shop")
        .withName("catalog")
        .get();
  }

  private Deployment catalog() {
    return client.apps().deployments().inNamespace("shop").withName("catalog").get();
  }

  @Test
  void anUpdateRollsOnlyTheChangedServiceAndReportsOldAndNewPods() throws Exception {
    Engine.Outcome first = engine().apply();
    edit("LEVEL: info", "LEVEL: debug");
    cluster.clearApplied();
    events.clear();

    Plan plan = engine().plan();
    assertThat(plan.changes())
        .filteredOn(c -> c.action() != Plan.Action.UNCHANGED)
        .extracting(Plan.Change::service, Plan.Change::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("catalog", Plan.Action.REPLACE));
    Engine.Outcome second = engine().apply();

    assertThat(second.services().get("catalog").version())
        .isNotEqualTo(first.services().get("catalog").version());
    assertThat(cluster.applied())
        .as("the identity service runs what it would render: not applied again")
        .allMatch(a -> a.contains("/catalog") || a.contains("/catalog-"))
        .anyMatch(a -> a.startsWith("Deployment/catalog"));
    assertThat(client.configMaps().inNamespace("shop").withName("catalog-env").get().getData())
        .containsEntry("LEVEL", "debug");
    assertThat(events)
        .anyMatch(e -> e instanceof Event.Pods p && p.service().equals("catalog") && p.old() > 0)
        .anyMatch(
            e ->
                e instanceof Event.Pods p
                    && p.service().equals("catalog")
                    && p.updated() == p.desired()
                    && p.ready() == p.desired());
  }

  @Test
  void aCronJobRunsByHandAsAJobOfItsTemplate() throws Exception {
    engine().apply();
    Target.JobRun run = engine().runJob("cleanup");
    assertThat(run.succeeded()).isTrue();
    assertThat(run.outcome()).isEqualTo("succeeded");
    assertThat(run.id()).startsWith("Job/cleanup-manual-");
    Job job = client.batch().v1().jobs().inNamespace("shop").withName(run.id().substring(4)).get();
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("cronjob.kubernetes.io/instantiate", "manual");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("CronJob/cleanup"));
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .isEqualTo(
            client
                .batch()
                .v1()
                .cronjobs()
                .inNamespace("shop")
                .withName("cleanup")
                .get()
                .getSpec()
                .getJobTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getImage());
    assertThat(run.logTail()).contains(run.id().substring(4) + "-x is out of memory");

    controllers.exitCodes.put("cleanup", 3);
    Target.JobRun failed = engine().runJob("cleanup");
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.outcome()).startsWith("failed: BackoffLimitExceeded");
    assertThat(failed.id()).isNotEqualTo(run.id());
  }

  @Test
  void aFailedRolloutRollsTheWholeEnvironmentBack() throws Exception {
    engine().apply();
    edit("opensearch:2.11", "opensearch:crash-137");
    edit("containers:\n", "containers:\n  extra: {image: \"nginx:1.27\", port: 8081}\n");
    String crashed =
        engine().plan().changes().stream()
            .filter(c -> c.service().equals("search"))
            .findFirst()
            .orElseThrow()
            .toVersion();
    events.clear();

    assertThatThrownBy(() -> engine().apply())
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag())
                  .as(e.getMessage() + "\n" + e.logTail())
                  .isEqualTo("ROLLOUT_FAILED");
              assertThat(e.getMessage())
                  .startsWith("search: ")
                  .contains("keeps crashing")
                  .contains("SIGKILL");
              assertThat(e.logTail())
                  .startsWith("search-" + crashed + "-0 is out of memory")
                  .endsWith(
                      "warning: BackOff: Back-off restarting failed container in pod <pod> (x8)");
            });

    Deployment search = client.apps().deployments().inNamespace("shop").withName("search").get();
    assertThat(search.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .as("back at the last good release")
        .isEqualTo("opensearch:2.11");
    assertThat(client.apps().deployments().inNamespace("shop").withName("extra").get())
        .as("what the failed release added is gone")
        .isNull();
    assertThat(events)
        .filteredOn(e -> e instanceof Event.Warning w && w.service().equals("search"))
        .as("two back-off events, one warning")
        .hasSize(1);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof Event.ContainerExit x
                    && x.service().equals("search")
                    && Integer.valueOf(137).equals(x.exitCode())
                    && x.meaning().contains("memory"));
    History history = engine().history();
    assertThat(history.releases())
        .extracting(History.Release::kind, History.Release::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(ReleaseKind.ROLLBACK, ReleaseStatus.SUCCEEDED));
    assertThat(engine().plan().changes())
        .filteredOn(c -> c.service().equals("search"))
        .extracting(Plan.Change::action)
        .containsExactly(Plan.Action.REPLACE);
  }

  @Test
  void aFirstReleaseThatFailsRemovesWhatItStarted() throws Exception {
    edit("opensearch:2.11", "opensearch:pull");

    assertThatThrownBy(() -> engine().apply())
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> assertThat(e.getMessage()).contains("cannot start: ImagePullBackOff"));

    // The environment's identity service stays, as the namespace does, until destroy.
    assertThat(client.apps().deployments().inNamespace("shop").list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactly(MeshNames.IDENTITY);
    assertThat(client.apps().statefulSets().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(engine().history().services()).isEmpty();
  }

  @Test
  void aRemovalThatFailsNeitherHidesTheFailureNorStopsTheOtherRemovals() throws Exception {
    edit("opensearch:2.11", "opensearch:pull");
    cluster.failDeletes("/statefulsets/cache");

    assertThatThrownBy(() -> engine().apply())
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> assertThat(e.getMessage()).contains("cannot start: ImagePullBackOff"));

    // The environment's identity service stays, as the namespace does, until destroy.
    assertThat(client.apps().deployments().inNamespace("shop").list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactly(MeshNames.IDENTITY);
    assertThat(client.apps().statefulSets().inNamespace("shop").list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("cache");
    assertThat(engine().history().services())
        .as("what could not be removed is still known")
        .containsOnlyKeys("cache");
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof Event.Stage s
                    && s.message().startsWith("removing cache failed too: ")
                    && s.message().contains("cannot delete"));
  }

  @Test
  void aFailingJobSaysWhatItsExitCodeMeans() {
    controllers.exitCodes.put("migrate", 127);

    assertThatThrownBy(() -> engine().apply())
        .isInstanceOfSatisfying(
            DeployException.class,
            e ->
                assertThat(e.getMessage())
                    .startsWith("migrate: ")
                    .contains("the command was not found (127)"));
  }

  @Test
  void aRolloutThatNeverGetsReadyTimesOutSayingWhereItStands() throws Exception {
    edit("timeout: 60s", "timeout: 2s");
    edit("opensearch:2.11", "opensearch:hang");

    assertThatThrownBy(() -> engine().apply())
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("ROLLOUT_TIMEOUT");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "search: Deployment search not ready after 2s: new 1/1 (0 ready), old 0");
            });
  }

  @Test
  void withoutARegistryApplySaysWhereImagesShouldGo() throws Exception {
    edit("registry: registry.example.com/acme, ", "");
    Engine building = engine(spec, events, client, (spec, dir) -> new Images(spec, dir, Map.of()));

    DeployException e = catchThrowableOfType(DeployException.class, building::apply);
    assertThat(e.tag()).isEqualTo("IMAGE_NO_REGISTRY");
    assertThat(e.getMessage()).contains(": kubernetes.registry is not set (expected: ");
    assertThat(e.hint()).isEqualTo("set kubernetes.registry in updraft.yaml");
  }

  @Test
  void aWorkloadDeletedByHandIsRepaired() {
    engine().apply();
    client.apps().deployments().inNamespace("shop").withName("search").delete();
    assertThat(client.apps().deployments().inNamespace("shop").withName("search").get()).isNull();

    assertThat(engine().plan().changes())
        .filteredOn(c -> c.action() != Plan.Action.UNCHANGED)
        .extracting(Plan.Change::service, Plan.Change::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("search", Plan.Action.REPAIR));
    engine().apply();

    assertThat(client.apps().deployments().inNamespace("shop").withName("search").get())
        .isNotNull();
  }

  @Test
  void destroyRunsOnDeleteJobsAndKeepsTheDatabasesData() {
    engine().apply();
    controllers.outputs.put("farewell", "");

    engine().destroy();

    assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("farewell-delete-2");
    assertThat(client.apps().deployments().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(client.network().v1().ingresses().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace("shop").list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("db-credentials");
    assertThat(client.serviceAccounts().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(client.rbac().clusterRoleBindings().withName(MeshNames.IDENTITY + "-shop").get())
        .as("the identity service goes with the environment")
        .isNull();
    assertThat(engine().history().services()).isEmpty();
    assertThat(engine().history().releases().getLast().kind()).isEqualTo(ReleaseKind.DESTROY);
  }

  private static Map<String, String> decode(Secret secret) {
    Map<String, String> values = new java.util.TreeMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return values;
  }
}
