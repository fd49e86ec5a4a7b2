package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a spec meant for Kubernetes gets wrong that can be told from names alone. */
class SpecWarningsTest {
  private static List<String> warnings(String yaml) {
    return SpecWarnings.of(SpecParser.parse("u.yaml", yaml, Path.of("/tmp/shop"))).stream()
        .map(SpecWarning::toString)
        .toList();
  }

  @Test
  void anImageWithoutRegistryIsWarnedWithItsFullName() {
    assertThat(
            warnings(
                """
                environment: shop
                target: kubernetes
                containers:
                  search: {image: "opensearch:2.11"}
                  proxy: {image: "bitnami/nginx:1.27"}
                  pinned: {image: "ghcr.io/acme/api:1"}
                  local: {image: "localhost:5000/api:1"}
                """))
        .containsExactly(
            "containers.search.image: opensearch:2.11 names no registry: a cluster pulls it from"
                + " Docker Hub as docker.io/library/opensearch:2.11 if its runtime takes short names"
                + " (CRI-O refuses them unless configured), and Docker Hub limits anonymous pulls"
                + " (hint: write the image with its registry, e.g."
                + " docker.io/library/opensearch:2.11)",
            "containers.proxy.image: bitnami/nginx:1.27 names no registry: a cluster pulls it from"
                + " Docker Hub as docker.io/bitnami/nginx:1.27 if its runtime takes short names"
                + " (CRI-O refuses them unless configured), and Docker Hub limits anonymous pulls"
                + " (hint: write the image with its registry, e.g. docker.io/bitnami/nginx:1.27)");
  }

  @Test
  void builtImagesNeedARegistryTheClusterReaches() {
    String app =
        """
        environment: shop
        target: kubernetes
        %s
        applications:
          web: {path: ., command: ./web, baseImage: "ghcr.io/acme/base:1"}
        """;
    assertThat(warnings(app.formatted("")))
        .singleElement()
        .asString()
        .startsWith(
            "kubernetes.registry: not set, so the images of web would be named shop-web:VERSION,"
                + " which a cluster pulls from Docker Hub and does not find there");
    assertThat(warnings(app.formatted("kubernetes: {registry: 127.0.0.1:5000/acme}")))
        .singleElement()
        .asString()
        .startsWith(
            "kubernetes.registry: 127.0.0.1:5000/acme is this machine's: a cluster's nodes pull"
                + " from their own 127.0.0.1:5000");
    assertThat(warnings(app.formatted("kubernetes: {registry: ghcr.io/acme}"))).isEmpty();
  }

  @Test
  void aCommandWhoseRuntimeTheBaseImageLacksIsWarned() {
    assertThat(
            warnings(
                """
                environment: shop
                target: kubernetes
                kubernetes: {registry: ghcr.io/acme}
                applications:
                  catalog: {path: ., build: javac -d out Catalog.java, command: java -cp out Catalog}
                  api: {path: ., command: "cd api && PYTHONUNBUFFERED=1 python3.12 app.py", baseImage: "alpine:3.20"}
                  built: {path: ., build: javac -d out Main.java, command: ./run.sh, baseImage: "debian:bookworm"}
                  fine: {path: ., command: java -jar app.jar, baseImage: "eclipse-temurin:25-jre"}
                  unknown: {path: ., command: python3 app.py, baseImage: "acme/base:7"}
                  shell: {path: ., command: java -jar app.jar, baseImage: "gcr.io/distroless/java21"}
                jobs:
                  report: {path: ., command: node report.js, baseImage: "gcr.io/distroless/nodejs22:debug"}
                """))
        .containsExactly(
            "applications.catalog.baseImage: its command runs java, and its"
                + " base image debian:bookworm-slim has no Java (hint: set"
                + " applications.catalog.baseImage (or kubernetes.baseImage) to an image with"
                + " Java, e.g. eclipse-temurin:25-jre: the build runs on this machine, the command"
                + " in the image)",
            "applications.api.baseImage: its command runs python3.12, and its"
                + " base image alpine:3.20 has no Python (hint: set applications.api.baseImage (or"
                + " kubernetes.baseImage) to an image with Python, e.g. python:3.13-slim: the"
                + " build runs on this machine, the command in the image)",
            "applications.built.baseImage: its build runs javac, whose"
                + " output needs Java, and its base image debian:bookworm has no Java (hint: set"
                + " applications.built.baseImage (or kubernetes.baseImage) to an image with Java,"
                + " e.g. eclipse-temurin:25-jre: the build runs on this machine, the command in"
                + " the image)",
            "applications.shell.baseImage: gcr.io/distroless/java21 has no shell, and the image"
                + " runs applications.shell.command as sh -c COMMAND (hint: use a base image with"
                + " /bin/sh (distroless images have one in their :debug tags))");
  }

  @Test
  void theLocalTargetHasNoSuchWarnings() {
    assertThat(
            warnings(
                """
                environment: shop
                applications:
                  web: {path: ., command: java -jar web.jar, baseImage: "debian:bookworm-slim"}
                """))
        .isEmpty();
  }
}
