package dev.updraft.deploy.spec;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a base image is known to hold, from its name alone (updraft looks into no image before a
 * build): the language runtimes of the official language images, and, for the bare images (Debian,
 * Ubuntu, Alpine, BusyBox, scratch, distroless), that they have none of them. An image of another
 * name is unknown: nothing is claimed about it.
 */
final class BaseImages {
  /** A language runtime a command may need. */
  @SuppressWarnings("ImmutableEnumChecker") // its lists are List.of: immutable, as EP cannot tell
  enum Runtime {
    JAVA(
        "Java",
        "eclipse-temurin:25-jre",
        List.of("java"),
        List.of("javac", "mvn", "gradle", "./mvnw", "./gradlew")),
    PYTHON(
        "Python",
        "python:3.13-slim",
        List.of("python", "python3", "gunicorn", "uvicorn"),
        List.of("pip", "pip3")),
    NODE("Node.js", "node:22-slim", List.of("node", "npm", "npx", "yarn"), List.of("npm", "yarn")),
    RUBY("Ruby", "ruby:3.4-slim", List.of("ruby", "bundle", "rails"), List.of("bundle")),
    PHP("PHP", "php:8.4-cli", List.of("php"), List.of("composer"));

    final String description;
    final String example;
    final List<String> programs;
    final List<String> builds;

    Runtime(String description, String example, List<String> programs, List<String> builds) {
      this.description = description;
      this.example = example;
      this.programs = programs;
      this.builds = builds;
    }

    /** The runtime a program of a command is, if it is one (python3.12 is Python). */
    static Runtime ofProgram(String program) {
      String name = program.substring(program.lastIndexOf('/') + 1);
      for (Runtime r : values()) {
        if (r.programs.contains(name)
            || r.programs.stream().anyMatch(p -> name.matches(p + "[0-9.]+"))) {
          return r;
        }
      }
      return null;
    }

    /** The runtime whose programs a build's output needs, if the build program tells. */
    static Runtime ofBuild(String program) {
      for (Runtime r : values()) {
        if (r.builds.contains(program)) {
          return r;
        }
      }
      return null;
    }
  }

  /**
   * What is known of an image.
   *
   * @param known whether the name is one this table knows
   * @param runtimes the language runtimes it holds (when known)
   * @param shell whether it has {@code /bin/sh} (when known)
   */
  record Known(boolean known, Set<Runtime> runtimes, boolean shell) {
    static final Known UNKNOWN = new Known(false, Set.of(), true);
  }

  private static final Set<String> BARE = Set.of("debian", "ubuntu", "alpine", "busybox");

  private BaseImages() {}

  static Known of(String reference) {
    String name = repository(reference);
    String tag = tag(reference);
    if (name.equals("scratch")) {
      return new Known(true, Set.of(), false);
    }
    if (name.startsWith("gcr.io/distroless/")) {
      String flavour = name.substring("gcr.io/distroless/".length());
      // Only the :debug variants have a shell (BusyBox's).
      boolean shell = tag.contains("debug");
      for (Runtime r : Runtime.values()) {
        String lang =
            r == Runtime.PYTHON
                ? "python"
                : r == Runtime.NODE ? "nodejs" : r.name().toLowerCase(Locale.ROOT);
        if (flavour.startsWith(lang)) {
          return new Known(true, EnumSet.of(r), shell);
        }
      }
      return new Known(true, Set.of(), shell);
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    if ((name.equals(last) || name.startsWith("library/")) && BARE.contains(last)) {
      return new Known(true, Set.of(), true);
    }
    return Known.UNKNOWN;
  }

  /**
   * {@code debian} of {@code debian:bookworm-slim}, {@code ghcr.io/a/b} of {@code
   * ghcr.io/a/b:1@sha256:..}.
   */
  static String repository(String reference) {
    String name = reference;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    if (name.startsWith("docker.io/")) {
      name = name.substring("docker.io/".length());
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private static String tag(String reference) {
    String name =
        reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest";
  }

  /**
   * The registry an image reference names, or null when it names none (Docker Hub implied): the
   * first component, when it has a '.' or ':' or is {@code localhost}, as Docker reads it.
   */
  static String registry(String reference) {
    int slash = reference.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String first = reference.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : null;
  }
}
