package dev.updraft.deploy.kubernetes;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.apply.Secrets;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds and pushes the image of an application or job with jib, without a Docker daemon: the
 * service's artifact (its source copied and built on this machine, as the local target does) is one
 * layer at {@code /app} on its base image, with {@code sh -c COMMAND} as entrypoint, tagged {@code
 * REGISTRY/ENVIRONMENT-NAME:VERSION}. The version hashes the service's definition and sources, so a
 * tag the registry has already is this image: nothing is built or pushed then. Jib's fixed file
 * times and creation time make the same artifact the same image, digest included.
 */
final class Images implements ImagePublisher {
  /** Where the artifact lies in the image, and the working directory of its command. */
  static final AbsoluteUnixPath WORKDIR = AbsoluteUnixPath.get("/app");

  private final EnvironmentSpec spec;
  private final Artifacts artifacts;
  private final Path cache;
  private final Map<String, String> env;

  /**
   * @param dir the target's data directory: artifacts, logs and jib's layer cache go there
   * @param env the environment credentials are found through ({@code DOCKER_CONFIG}, helpers)
   */
  Images(EnvironmentSpec spec, Path dir, Map<String, String> env) {
    this.spec = spec;
    this.artifacts = new Artifacts(dir);
    this.cache = dir.resolve("images");
    this.env = Map.copyOf(env);
  }

  @Override
  public String publish(Deployment release, Service service, String version) {
    Service.Process process = service.source().orElseThrow();
    String name = service.name();
    String tagged = KubernetesRenderer.image(spec, name, version);
    ImageReference target = target(name, tagged);
    String baseField =
        process.baseImage().equals(spec.kubernetes().baseImage())
            ? "kubernetes.baseImage"
            : service.kind() + "s." + name + ".baseImage";
    ImageReference base = parse(name, baseField, process.baseImage());
    // jib's switch for plain HTTP and unverified TLS covers every registry of a build.
    boolean insecure =
        spec.kubernetes().insecureRegistry()
            || (Registries.local(target) && Registries.local(base));
    long start = System.nanoTime();
    release.step(name, "image", StepOutcome.STARTED, tagged + " on " + process.baseImage());
    Optional<Registries.Found> found =
        find(name, "look for " + tagged, target, "kubernetes.registry", insecure);
    if (found.isPresent()) {
      Registries.Found there = found.get();
      release.emit(image(release, name, tagged, there, false, 0, there.layers().size(), 0, start));
      return tagged + "@" + there.digest();
    }
    if (find(name, "look for base image " + base, base, baseField, insecure).isEmpty()) {
      throw new DeployException(
          "IMAGE_BASE_MISSING",
          name + ": base image " + process.baseImage() + " is not in its registry",
          "check " + baseField + " in updraft.yaml: the name, and that its tag was pushed",
          null);
    }
    Path artifact =
        artifacts.stage(
            name,
            version,
            spec.baseDir().resolve(process.path()).normalize(),
            process.build(),
            Secrets.files(spec));
    JibProgress progress = new JibProgress(artifacts.log(name + "-" + version + "-image"));
    PrivateFiles.directories(cache);
    try {
      JibContainer built =
          Jib.from(credentials(RegistryImage.named(base), base))
              .addFileEntriesLayer(layer(artifact))
              .setEntrypoint("sh", "-c", process.command())
              .setProgramArguments(List.of())
              .setWorkingDirectory(WORKDIR)
              .setFormat(ImageFormat.OCI)
              .containerize(
                  Containerizer.to(credentials(RegistryImage.named(target), target))
                      .setAllowInsecureRegistries(insecure)
                      .setApplicationLayersCache(cache)
                      .setToolName("updraft")
                      .addEventHandler(progress));
      String digest = built.getDigest().toString();
      // jib writes its cache with the process's umask; the directory above keeps others out.
      PrivateFiles.tighten(cache);
      Registries.Found pushed =
          find(
                  name,
                  "look for " + tagged + " after the push",
                  target,
                  "kubernetes.registry",
                  insecure)
              .filter(f -> f.digest().equals(digest))
              .orElseThrow(
                  () ->
                      new DeployException(
                          "IMAGE_FAILED",
                          name + ": the registry does not have " + tagged + "@" + digest,
                          "another push of the same tag may have raced this one; apply again",
                          progress.tail()));
      int layersPushed = 0;
      long bytes = 0;
      for (String layer : pushed.layers()) {
        Long size = progress.pushed(layer);
        if (size != null) {
          layersPushed++;
          bytes += size;
        }
      }
      int present = pushed.layers().size() - layersPushed;
      release.emit(image(release, name, tagged, pushed, true, layersPushed, present, bytes, start));
      return tagged + "@" + digest;
    } catch (DeployException e) {
      throw e;
    } catch (Exception e) {
      throw ImageErrors.of(
          name,
          "build and push " + tagged,
          target,
          "kubernetes.registry",
          e,
          release.redactor().redact(progress.tail()));
    }
  }

  /**
   * The artifact as one layer at {@link #WORKDIR}, links followed. The artifact on disk is its
   * owner's only; in the image, what its owner may read or run, everyone may ({@link #mode}).
   */
  static FileEntriesLayer layer(Path artifact) throws IOException {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("app");
    try (Stream<Path> files = Files.walk(artifact, FileVisitOption.FOLLOW_LINKS)) {
      for (Path file : files.sorted().toList()) {
        String relative = artifact.relativize(file).toString();
        if (relative.isEmpty() || relative.equals(Artifacts.MARKER)) {
          continue;
        }
        layer.addEntry(
            file,
            WORKDIR.resolve(relative),
            FilePermissions.fromPosixFilePermissions(mode(Files.getPosixFilePermissions(file))));
      }
    }
    return layer.build();
  }

  /**
   * A file's mode in the image: its owner's permissions, and read and execute for group and others
   * where the owner has them (0600 is 0644, 0700 is 0755), as the source's usual modes are; a
   * container may run as another user than the files' owner.
   */
  static Set<PosixFilePermission> mode(Set<PosixFilePermission> onDisk) {
    Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : onDisk) {
      switch (p) {
        case OWNER_READ ->
            mode.addAll(
                List.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ));
        case OWNER_EXECUTE ->
            mode.addAll(
                List.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        case OWNER_WRITE -> mode.add(PosixFilePermission.OWNER_WRITE);
        default -> {}
      }
    }
    return mode;
  }

  private ImageReference target(String service, String tagged) {
    if (spec.kubernetes().registry() == null) {
      throw new DeployException(
          "IMAGE_NO_REGISTRY",
          service
              + ": kubernetes.registry is not set (expected: the registry prefix apply pushes "
              + service
              + "'s image to, such as ghcr.io/acme or 127.0.0.1:5000)",
          "set kubernetes.registry in updraft.yaml",
          null);
    }
    return parse(service, "kubernetes.registry", tagged);
  }

  private static ImageReference parse(String service, String field, String reference) {
    try {
      return ImageReference.parse(reference);
    } catch (InvalidImageReferenceException e) {
      throw new DeployException(
          "IMAGE_REFERENCE",
          service
              + ": "
              + field
              + " makes the image "
              + reference
              + " (expected: a valid image reference, lower-case, such as ghcr.io/acme/name:tag)",
          "fix " + field + " in updraft.yaml",
          null);
    }
  }

  private RegistryImage credentials(RegistryImage image, ImageReference reference) {
    Registries.retrievers(reference, env).forEach(image::addCredentialRetriever);
    return image;
  }

  private Optional<Registries.Found> find(
      String service, String doing, ImageReference image, String field, boolean insecure) {
    try {
      return Registries.find(image, env, insecure);
    } catch (Exception e) {
      throw ImageErrors.of(service, doing, image, field, e, null);
    }
  }

  private static Event.Image image(
      Deployment release,
      String service,
      String tagged,
      Registries.Found found,
      boolean built,
      int layersPushed,
      int layersPresent,
      long bytesPushed,
      long start) {
    return new Event.Image(
        release.elapsedMillis(),
        service,
        tagged,
        found.digest(),
        built,
        layersPushed,
        layersPresent,
        bytesPushed,
        (System.nanoTime() - start) / 1_000_000);
  }
}
