package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes target builds and pushes images through its real code path, jib included, into a
 * real registry (Debian's docker-registry on 127.0.0.1); the cluster is fabric8's mock server with
 * {@link FakeControllers}. What was pushed is checked through the registry's v2 HTTP API. The base
 * image is made here from scratch: busybox as {@code /bin/busybox} and {@code /bin/sh}.
 */
@NeedsProgram(value = "docker-registry", debian = "docker-registry")
@NeedsProgram(value = "busybox", debian = "busybox-static")
class ImagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  LocalRegistry registry;
  MockCluster cluster;
  KubernetesClient client;
  FakeControllers controllers;
  final List<Event> events = new CopyOnWriteArrayList<>();
  Path spec;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("registry"));
    registry = new LocalRegistry(dir.resolve("registry"));
    pushBase(registry.host() + "/base:1");
    cluster = new MockCluster();
    client = cluster.client();
    controllers = new FakeControllers(client, "shop");
    Path web = Files.createDirectories(dir.resolve("web"));
    Files.writeString(web.resolve("run.sh"), "read line < out/greeting.txt\necho \"$line\"\n");
    Files.setPosixFilePermissions(
        web.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(dir.resolve("migrate"));
    Files.writeString(dir.resolve("migrate/migrate.sh"), "echo migrated\n");
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: shop
        target: kubernetes
        kubernetes: {namespace: shop, registry: "%1$s/acme", baseImage: "%1$s/base:1", timeout: 20s}
        containers:
          search: {image: "opensearch:2.11", port: 9200}
        applications:
          web:
            path: ./web
            build: mkdir -p out && echo "built here" > out/greeting.txt
            command: ./run.sh
            port: 8080
            dependsOn: [search]
        jobs:
          migrate: {path: ./migrate, command: sh migrate.sh}
        """
            .formatted(registry.host()));
  }

  @AfterEach
  void stop() {
    if (controllers != null) {
      controllers.close();
      cluster.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  Engine engine() {
    Map<String, String> env = Map.of("DOCKER_CONFIG", dir.resolve("docker").toString());
    return KubernetesDeployIT.engine(spec, events, client, (s, d) -> new Images(s, d, env));
  }

  void edit(String from, String to) throws Exception {
    KubernetesDeployIT.edit(spec, from, to);
  }

  @Test
  void applyBuildsAndPushesOnceAndPinsTheWorkloadToTheDigest() throws Exception {
    String version = engine().apply().services().get("web").version();

    HttpResponse<byte[]> manifest =
        registry.get("/v2/acme/shop-web/manifests/" + version, LocalRegistry.MANIFESTS);
    assertThat(manifest.statusCode()).isEqualTo(200);
    assertThat(manifest.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.oci.image.manifest.v1+json");
    String digest = manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
    String pinned = registry.host() + "/acme/shop-web:" + version + "@" + digest;
    assertThat(image(client.apps().deployments().inNamespace("shop").withName("web").get()))
        .isEqualTo(pinned);

    JsonNode body = JSON.readTree(manifest.body());
    JsonNode config =
        JSON.readTree(registry.blob("acme/shop-web", body.at("/config/digest").asText()))
            .get("config");
    assertThat(config.get("Entrypoint")).containsExactly(text("sh"), text("-c"), text("./run.sh"));
    assertThat(config.get("WorkingDir").asText()).isEqualTo("/app");
    assertThat(body.get("layers")).as("busybox, then the artifact").hasSize(2);
    Map<String, Layers.Entry> files =
        Layers.read(registry.blob("acme/shop-web", body.at("/layers/1/digest").asText()));
    assertThat(files.get("app/out/greeting.txt").text()).isEqualTo("built here\n");
    assertThat(files.get("app/run.sh").mode() & 0777).isEqualTo(0755);
    assertThat(files).doesNotContainKey("app/.staged");

    String migrate = "migrate-" + engine().history().services().get("migrate").version();
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace("shop")
                .withName(migrate)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getImage())
        .startsWith(registry.host() + "/acme/shop-migrate:")
        .contains("@sha256:");
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof Event.StepEvent s
                    && s.service().equals("web")
                    && s.step().equals("image")
                    && s.outcome() == StepOutcome.STARTED)
        .filteredOn(e -> e instanceof Event.Image i && i.service().equals("web"))
        .extracting(
            e -> ((Event.Image) e).built(),
            e -> ((Event.Image) e).digest(),
            e -> ((Event.Image) e).layersPushed(),
            e -> ((Event.Image) e).layersPresent())
        .as("the artifact uploaded, busybox mounted from the base image's repository")
        .containsExactly(Tuple.tuple(true, digest, 1, 1));

    int uploads = registry.requests("PATCH").size();
    assertThat(uploads).as("blob uploads so far").isPositive();
    client.apps().deployments().inNamespace("shop").withName("web").delete();
    events.clear();
    engine().apply();

    assertThat(registry.requests("PATCH")).as("nothing pushed again").hasSize(uploads);
    assertThat(images()).containsExactly(Tuple.tuple("web", false, digest));
    assertThat(image(client.apps().deployments().inNamespace("shop").withName("web").get()))
        .isEqualTo(pinned);

    assertThat(registry.delete("/v2/acme/shop-web/manifests/" + digest)).isEqualTo(202);
    client.apps().deployments().inNamespace("shop").withName("web").delete();
    events.clear();
    engine().apply();

    assertThat(images())
        .as("built and pushed again, the same image")
        .containsExactly(Tuple.tuple("web", true, digest));
  }

  /** Each image event: service, whether it was built, digest. */
  private List<Tuple> images() {
    return events.stream()
        .filter(e -> e instanceof Event.Image)
        .map(e -> (Event.Image) e)
        .map(i -> Tuple.tuple(i.service(), i.built(), i.digest()))
        .toList();
  }

  @Test
  void aRegistryThatDoesNotAnswerFailsTheReleaseWhichRollsBack() throws Exception {
    engine().apply();
    String before = image(client.apps().deployments().inNamespace("shop").withName("web").get());
    int closed = LocalRegistry.freePort();
    edit("registry: \"" + registry.host(), "registry: \"127.0.0.1:" + closed);
    edit("opensearch:2.11", "opensearch:2.12");
    Files.writeString(dir.resolve("web/NEWS"), "a change\n");

    DeployException e = catchThrowableOfType(DeployException.class, () -> engine().apply());
    assertThat(e.tag()).isEqualTo("IMAGE_REGISTRY_UNREACHABLE");
    assertThat(e.getMessage())
        .startsWith("web: cannot look for 127.0.0.1:" + closed + "/acme/shop-web:")
        .contains("127.0.0.1:" + closed + " does not answer (")
        .doesNotContain("Exception");
    assertThat(e.hint()).contains("kubernetes.registry");

    assertThat(image(client.apps().deployments().inNamespace("shop").withName("search").get()))
        .as("search, changed before web failed, is back at the last good release")
        .isEqualTo("opensearch:2.11");
    assertThat(image(client.apps().deployments().inNamespace("shop").withName("web").get()))
        .isEqualTo(before);
    assertThat(engine().history().releases())
        .extracting(History.Release::kind, History.Release::status)
        .containsExactly(
            Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.SUCCEEDED),
            Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.FAILED),
            Tuple.tuple(ReleaseKind.ROLLBACK, ReleaseStatus.SUCCEEDED));
  }

  @Test
  void credentialsComeFromTheDockerConfigAndARefusalSaysHowToLogIn() throws Exception {
    Path secured = Files.createDirectories(dir.resolve("secured"));
    // user "updraft", password "s3cret" (bcrypt)
    Files.writeString(
        secured.resolve("htpasswd"),
        "updraft:$2b$12$4ctV.WD90RSyRy9yB2gASuNyZ4x7MmNeziBofE7oyChheKaeTndsK\n");
    try (LocalRegistry auth = new LocalRegistry(secured, secured.resolve("htpasswd"))) {
      // Its certificate is self-signed: the spec must allow that.
      edit(
          "registry: \"" + registry.host() + "/acme\"",
          "registry: \"" + auth.host() + "/acme\", insecureRegistry: true");

      DeployException e = catchThrowableOfType(DeployException.class, () -> engine().apply());
      assertThat(e.tag()).isEqualTo("IMAGE_UNAUTHORIZED");
      assertThat(e.getMessage())
          .contains(auth.host() + " refused access to acme/shop-")
          .contains("(HTTP 401)");
      assertThat(e.hint()).startsWith("log in with docker login " + auth.host());
      assertThat(client.apps().deployments().inNamespace("shop").list().getItems())
          .as("a first release that fails removes what it started (the identity service stays)")
          .extracting(d -> d.getMetadata().getName())
          .containsOnly(MeshNames.IDENTITY);

      Path docker = Files.createDirectories(dir.resolve("docker"));
      Files.writeString(
          docker.resolve("config.json"),
          """
          {"auths": {"%s": {"auth": "dXBkcmFmdDpzM2NyZXQ="}}}
          """
              .formatted(auth.host()));
      engine().apply();

      assertThat(image(client.apps().deployments().inNamespace("shop").withName("web").get()))
          .startsWith(auth.host() + "/acme/shop-web:")
          .contains("@sha256:");
      assertThat(auth.requests("PUT")).anyMatch(r -> r.contains("/v2/acme/shop-web/manifests/"));
      assertThat(events.toString()).doesNotContain("s3cret").doesNotContain("dXBkcmFmdDpz");
    }
  }

  @Test
  void aBaseImageTheRegistryLacksIsNamedWithItsField() throws Exception {
    edit("base:1", "nope:1");

    DeployException e = catchThrowableOfType(DeployException.class, () -> engine().apply());
    assertThat(e.tag()).isEqualTo("IMAGE_BASE_MISSING");
    assertThat(e.getMessage())
        .endsWith(": base image " + registry.host() + "/nope:1 is not in its registry");
    assertThat(e.hint()).startsWith("check kubernetes.baseImage in updraft.yaml");
  }

  /** A from-scratch image with busybox as its shell. */
  private void pushBase(String reference) throws Exception {
    FilePermissions executable = FilePermissions.fromOctalString("755");
    Path busybox = Host.which("busybox").orElseThrow();
    FileEntriesLayer layer =
        FileEntriesLayer.builder()
            .addEntry(busybox, AbsoluteUnixPath.get("/bin/busybox"), executable)
            .addEntry(busybox, AbsoluteUnixPath.get("/bin/sh"), executable)
            .build();
    Jib.fromScratch()
        .addFileEntriesLayer(layer)
        .addEnvironmentVariable("PATH", "/bin")
        .containerize(
            Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(dir.resolve("jib-cache"))
                .setApplicationLayersCache(dir.resolve("jib-cache")));
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
  }

  private static JsonNode text(String value) {
    return JSON.getNodeFactory().textNode(value);
  }
}
