package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecParserTest {
  private static final Path BASE = Path.of("/tmp/shop");

  private static final String GOOD =
      """
      environment: shop
      applications:
        catalog:
          path: ./catalog
          build: javac -d out Catalog.java
          command: java -cp out Catalog
          port: 8101
          env:
            DATABASE_URL: ${db.url}
            SEED: ${migrate.outputs.SEEDED}
          secrets:
            API_TOKEN: {value: s3cret}
          health: {path: /health, startTimeout: 30s}
      jobs:
        migrate:
          path: ./migrate
          command: sh migrate.sh
          outputs: [SEEDED]
          env: {DATABASE_URL: "${db.url}"}
      databases:
        db: {engine: postgres}
        cache: {engine: redis}
      routers:
        web:
          port: 8100
          routes:
            - {path: /api, service: catalog}
      """;

  @Test
  void readsAValidSpecWithDefaults() {
    EnvironmentSpec spec = SpecParser.parse("updraft.yaml", GOOD, BASE);
    assertThat(spec.environment()).isEqualTo("shop");
    assertThat(spec.target()).isEqualTo(TargetName.LOCAL);
    assertThat(spec.services().keySet())
        .containsExactly("catalog", "migrate", "db", "cache", "web");
    Service.Application catalog = (Service.Application) spec.service("catalog");
    assertThat(catalog.instances()).isEqualTo(1);
    assertThat(catalog.health().path()).isEqualTo("/health");
    assertThat(catalog.health().startTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(catalog.health().interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(catalog.process().secrets().get("API_TOKEN").value()).isEqualTo("s3cret");
    assertThat(((Service.Job) spec.service("migrate")).when()).isEqualTo(Service.When.START);
    assertThat(spec.service("web").dependsOn()).containsExactly("catalog");
  }

  @Test
  void reportsEveryMistakeAtOnceWithLineAndColumn() {
    String bad =
        """
        environment: Shop
        applications:
          catalog:
            path: ./catalog
            comand: java Catalog
            port: 99999
            instances: many
            env:
              DB: ${dbb.url}
              bad-name: x
          web2: {path: ., command: x, dependsOn: [ghost]}
        databases:
          db: {engine: mysql}
        routers:
          web:
            port: 8100
            routes: [{path: api, service: catalog}]
        """;
    assertThatThrownBy(() -> SpecParser.parse("updraft.yaml", bad, BASE))
        .isInstanceOfSatisfying(
            SpecException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(Object::toString)
                  .containsExactly(
                      "updraft.yaml:1:14: environment: \"Shop\" (expected: a name of lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 40 long)",
                      "updraft.yaml:4:5: applications.catalog.command: missing (expected: the shell command that runs it, in path)",
                      "updraft.yaml:5:5: applications.catalog.comand: \"comand\" (expected: one of the fields [port, instances, env, secrets, health, resources, autoscale, dependsOn, path, build, command, baseImage, allow])",
                      "updraft.yaml:6:11: applications.catalog.port: \"99999\" (expected: a whole number from 1 to 65535)",
                      "updraft.yaml:7:16: applications.catalog.instances: \"many\" (expected: a whole number from 1 to 20)",
                      "updraft.yaml:9:11: applications.catalog.env.DB: \"${dbb.url}\" (expected: a reference to a service in this spec [catalog, web2, db, web])",
                      "updraft.yaml:10:7: applications.catalog.env.bad-name: \"bad-name\" (expected: an environment variable name such as DATABASE_URL)",
                      "updraft.yaml:11:43: applications.web2.dependsOn[0]: \"ghost\" (expected: the name of a service in this spec [catalog, web2, db, web])",
                      "updraft.yaml:13:16: databases.db.engine: \"mysql\" (expected: one of [postgres, redis])",
                      "updraft.yaml:17:21: routers.web.routes[0].path: \"api\" (expected: a path starting with /, without //, /./, /../, %2F, ?, # or spaces, and not ending in /. or /..)");
              assertThat(e.getMessage()).startsWith("10 problems in the spec:");
            });
  }

  @Test
  void namesAreDnsLabelsAsKubernetesNeedsThem() {
    String yaml =
        """
        environment: shop
        target: kubernetes
        containers:
          web-: {image: nginx:1.27}
          a--b: {image: nginx:1.27}
        """;
    assertThat(problems(yaml))
        .containsExactly(
            "updraft.yaml:4:3: containers.web-: \"web-\" (expected: " + Shapes.NAME_EXPECTED + ")");
  }

  @Test
  void routersTakeWhatIngressesAndHttpRoutesTake() {
    String yaml =
        """
        environment: shop
        target: kubernetes
        kubernetes: {ingressClass: Nginx}
        containers:
          api: {image: nginx:1.27, port: 8080}
        routers:
          web:
            port: 80
            hosts: [shop.example.com, "*.shop.example.com", 10.0.0.1, "*", shop-, a..b]
            routes:
              - {path: /api/v1/, service: api}
              - {path: /a//b, service: api}
              - {path: /a/../b, service: api}
              - {path: /a/., service: api}
              - {path: /a%2Fb, service: api}
              - {path: "/a?b", service: api}
        """;
    assertThat(problems(yaml).stream().map(p -> p.split(" \\(expected")[0]))
        .containsExactly(
            "updraft.yaml:3:28: kubernetes.ingressClass: \"Nginx\"",
            "updraft.yaml:9:53: routers.web.hosts[2]: \"10.0.0.1\"",
            "updraft.yaml:9:63: routers.web.hosts[3]: \"*\"",
            "updraft.yaml:9:68: routers.web.hosts[4]: \"shop-\"",
            "updraft.yaml:9:75: routers.web.hosts[5]: \"a..b\"",
            "updraft.yaml:12:16: routers.web.routes[1].path: \"/a//b\"",
            "updraft.yaml:13:16: routers.web.routes[2].path: \"/a/../b\"",
            "updraft.yaml:14:16: routers.web.routes[3].path: \"/a/.\"",
            "updraft.yaml:15:16: routers.web.routes[4].path: \"/a%2Fb\"",
            "updraft.yaml:16:16: routers.web.routes[5].path: \"/a?b\"");
  }

  @Test
  void aRouterTimeoutIsReadAndMustBeAboveZero() {
    EnvironmentSpec spec = SpecParser.parse("updraft.yaml", GOOD, BASE);
    assertThat(((Service.Router) spec.service("web")).timeout())
        .as("absent: the target's default holds, and the router's version is unchanged")
        .isNull();
    String timed = GOOD.replace("    port: 8100\n", "    port: 8100\n    timeout: 1500ms\n");
    assertThat(
            ((Service.Router) SpecParser.parse("updraft.yaml", timed, BASE).service("web"))
                .timeout())
        .isEqualTo(Duration.ofMillis(1500));
    String zero = GOOD.replace("    port: 8100\n", "    port: 8100\n    timeout: 0s\n");
    assertThat(problems(zero))
        .singleElement()
        .asString()
        .contains("routers.web.timeout: \"0s\" (expected: a duration above 0 such as 30s)");
  }

  @Test
  void findsDependencyCyclesAndBadReferences() {
    String cyclic =
        """
        environment: e
        applications:
          a: {path: ., command: x, env: {B: "${b.url}"}}
          b: {path: ., command: x, dependsOn: [a]}
        jobs:
          j: {path: ., command: x, when: cron}
        """;
    assertThatThrownBy(() -> SpecParser.parse("u.yaml", cyclic, BASE))
        .hasMessageContaining("dependency cycle")
        .hasMessageContaining("a -> b -> a")
        .hasMessageContaining("jobs.j.schedule: missing (expected: a cron schedule");
  }

  @Test
  void allowNamesApplicationsOfTheSpecAndAbsentMeansEveryService() {
    String yaml =
        """
        environment: e
        applications:
          a: {path: ., command: x, allow: [b]}
          b: {path: ., command: x, allow: []}
          c: {path: ., command: x}
        """;
    EnvironmentSpec spec = SpecParser.parse("u.yaml", yaml, BASE);
    assertThat(((Service.Application) spec.service("a")).allow()).containsExactly("b");
    assertThat(((Service.Application) spec.service("b")).allow()).isEmpty();
    assertThat(((Service.Application) spec.service("c")).allow()).isNull();
    String bad =
        """
        environment: e
        applications:
          a: {path: ., command: x, allow: [ghost]}
        databases:
          db: {engine: redis}
        """;
    assertThatThrownBy(() -> SpecParser.parse("u.yaml", bad, BASE))
        .hasMessageContaining(
            "applications.a.allow[0]: \"ghost\" (expected: the name of an application in this spec"
                + " [a])");
  }

  @Test
  void syntaxErrorsHaveAPosition() {
    assertThatThrownBy(() -> SpecParser.parse("u.yaml", "environment: [unclosed\n", BASE))
        .isInstanceOfSatisfying(
            SpecException.class, e -> assertThat(e.problems().getFirst().line()).isPositive());
  }

  @Test
  void readsTheKubernetesTargetAndItsSettings() {
    String yaml =
        """
        environment: shop
        target: kubernetes
        kubernetes: {context: kind-dev, gateway: infra/public, registry: ghcr.io/acme, timeout: 3m}
        containers:
          api:
            image: nginx:1.27
            instances: 2
            resources: {cpu: 0.5}
            autoscale: {max: 6}
        """;
    EnvironmentSpec spec = SpecParser.parse("updraft.yaml", yaml, BASE);
    assertThat(spec.target()).isEqualTo(TargetName.KUBERNETES);
    assertThat(spec.namespace()).as("the environment's name by default").isEqualTo("shop");
    assertThat(spec.kubernetes())
        .isEqualTo(
            new EnvironmentSpec.Kubernetes(
                "kind-dev",
                null,
                null,
                "infra/public",
                "ghcr.io/acme",
                Duration.ofMinutes(3),
                "debian:bookworm-slim",
                false,
                "ghcr.io/updraft/updraft:0.1"));
    assertThat(((Service.Container) spec.service("api")).autoscale())
        .isEqualTo(new Service.Autoscale(6, 80));
    assertThat(SpecParser.parse("updraft.yaml", GOOD, BASE, TargetName.KUBERNETES).target())
        .as("--target replaces the spec's")
        .isEqualTo(TargetName.KUBERNETES);
  }

  @Test
  void anAutoscalerNeedsACpuRequestAndRoomAboveTheInstances() {
    String yaml =
        """
        environment: shop
        target: kubernetes
        containers:
          api:
            image: nginx:1.27
            instances: 4
            autoscale: {max: 3}
        """;
    assertThat(problems(yaml))
        .containsExactly(
            "updraft.yaml:7:16: containers.api.autoscale: \"cpu 80%\" (expected:"
                + " resources.cpu too (utilisation is measured against the CPU a pod"
                + " requests))",
            "updraft.yaml:7:22: containers.api.autoscale.max: \"3\" (expected: at"
                + " least instances (4), the fewest the autoscaler keeps)");
  }

  @Test
  void imagesAreBuiltOnTheSpecsBaseImageUnlessAServiceNamesItsOwn() {
    String yaml =
        """
        environment: shop
        target: kubernetes
        kubernetes: {registry: "127.0.0.1:5000/acme", baseImage: "eclipse-temurin:25-jre"}
        applications:
          api: {path: ., command: java Api, baseImage: "ghcr.io/acme/base:1@sha256:%s"}
        jobs:
          migrate: {path: ., command: sh migrate.sh}
        """
            .formatted("a".repeat(64));
    EnvironmentSpec spec = SpecParser.parse("updraft.yaml", yaml, BASE);
    assertThat(spec.kubernetes().insecureRegistry()).isFalse();
    assertThat(((Service.Application) spec.service("api")).process().baseImage())
        .isEqualTo("ghcr.io/acme/base:1@sha256:" + "a".repeat(64));
    assertThat(((Service.Job) spec.service("migrate")).process().baseImage())
        .isEqualTo("eclipse-temurin:25-jre");
    assertThat(
            ((Service.Application) SpecParser.parse("updraft.yaml", GOOD, BASE).service("catalog"))
                .process()
                .baseImage())
        .as("the default")
        .isEqualTo(Shapes.BASE_IMAGE);
  }

  @Test
  void aBaseImageMustBeAnImageReference() {
    String yaml =
        """
        environment: shop
        kubernetes: {baseImage: "Debian:Bookworm", insecureRegistry: yes please}
        jobs:
          migrate: {path: ., command: sh migrate.sh, baseImage: "debian:"}
        """;
    assertThat(problems(yaml))
        .containsExactly(
            "updraft.yaml:2:25: kubernetes.baseImage: \"Debian:Bookworm\" (expected:"
                + " an image reference such as debian:bookworm-slim or"
                + " ghcr.io/acme/base:1)",
            "updraft.yaml:2:62: kubernetes.insecureRegistry: \"yes please\""
                + " (expected: true or false)",
            "updraft.yaml:4:57: jobs.migrate.baseImage: \"debian:\" (expected: an"
                + " image reference such as debian:bookworm-slim or"
                + " ghcr.io/acme/base:1)");
  }

  @Test
  void cronSchedulesAndTimeZonesAreCheckedWithTheReason() {
    String yaml =
        """
        environment: e
        jobs:
          a: {path: ., command: x, when: cron, schedule: "61 * * * *"}
          b: {path: ., command: x, when: cron, schedule: "@daily", timezone: Mars/Olympus}
          c: {path: ., command: x, timezone: UTC}
          d: {path: ., command: x, when: cron, schedule: "@hourly", timezone: Europe/Paris}
        """;
    assertThatThrownBy(() -> SpecParser.parse("u.yaml", yaml, BASE))
        .isInstanceOfSatisfying(
            SpecException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("3 problems in the spec:")
                  .contains("u.yaml:4:")
                  .contains("jobs.a.schedule: \"61 * * * *\"")
                  .contains("Value 61 not in range [0, 59]")
                  .contains("jobs.b.timezone: \"Mars/Olympus\" (expected: an IANA time zone")
                  .contains("jobs.c.timezone: \"UTC\" (expected: no time zone unless when is cron")
                  .doesNotContain("jobs.d");
            });
  }

  @Test
  void aRouteWithoutAServiceIsAProblemNotACrash() {
    // Fuzz finding (SpecParserFuzzTest): a route missing its service before another route that
    // has one threw a NullPointerException while naming the second route's field.
    assertThat(
            problems(
                """
                environment: shop
                applications:
                  app: {command: run, port: 8101}
                routers:
                  web:
                    port: 8100
                    routes:
                      - {path: /, vcrs: app}
                      - {path: /api, service: app}
                """))
        .anySatisfy(p -> assertThat(p).contains("routers.web.routes[0]"));
  }

  @Test
  void aJobThatIsNoMappingIsAProblemNotACrash() {
    // Fuzz finding (SpecParserFuzzTest, CI): a job given as a plain value had no 'when', and
    // binding it threw IllegalArgumentException before the shape problem was reported.
    assertThat(
            problems(
                """
                environment: shop
                jobs:
                  migrate:
                    ${db.database}
                """))
        .anySatisfy(p -> assertThat(p).contains("jobs.migrate"));
  }

  @Test
  void aTagSnakeYamlRefusesOutsideItsExceptionsIsAProblemNotACrash() {
    // Fuzz finding (SpecParserFuzzTest): SnakeYAML refuses this tag with IllegalArgumentException.
    assertThat(problems("!tag:x%01 value\n"))
        .singleElement()
        .satisfies(
            p -> assertThat(p).contains("yaml").contains("(expected: a valid YAML document)"));
  }

  @Test
  void aProblemQuotingALineBreakStaysOnOneLine() {
    assertThat(
            problems(
                """
                environment: shop
                applications:
                  app: {command: run, port: "80\\nINFO forged"}
                """))
        .allSatisfy(p -> assertThat(p).doesNotContain("\n"))
        .anySatisfy(p -> assertThat(p).contains("\"80\\u000aINFO forged\""));
  }

  @Test
  void aControlCharacterIsAProblemWithItsPosition() {
    // Fuzz finding (SpecParserFuzzTest): SnakeYAML's reader refuses a NUL with a ReaderException,
    // which is no MarkedYAMLException and escaped the parser.
    assertThat(problems("environment: shop\napplications:\n  a: {command: \"x\u0000\"}\n"))
        .containsExactly(
            "updraft.yaml:3:18: yaml: \"\\u0000\" (expected: printable text (YAML allows no"
                + " control characters but tab and line breaks))");
  }

  @Test
  void aSpecThatIsNoMappingNamesTheSpec() {
    // Fuzz finding (SpecParserFuzzTest): the root's problem named the field "", an empty name.
    assertThat(problems("environment shop\n"))
        .singleElement()
        .asString()
        .startsWith("updraft.yaml:1:1: spec: ");
  }

  @Test
  void aReferenceToADatabaseWithAnUnknownEngineIsAProblemNotACrash() {
    // Fuzz finding (SpecParserFuzzTest): the engine the reader refused is null, and listing the
    // database's attributes for a reference to it threw a NullPointerException.
    assertThat(
            problems(
                """
                environment: shop
                applications:
                  app: {command: run, port: 8101, env: {DB: "${db.url}"}}
                databases:
                  db: {engine: pgstgres}
                """))
        .anySatisfy(p -> assertThat(p).contains("databases.db.engine: \"pgstgres\""));
  }

  /** The problems of a spec that must fail, as the user reads them. */
  private static List<String> problems(String yaml) {
    try {
      SpecParser.parse("updraft.yaml", yaml, BASE);
    } catch (SpecException e) {
      return e.problems().stream().map(Problem::toString).toList();
    }
    throw new AssertionError("the spec was accepted:\n" + yaml);
  }
}
