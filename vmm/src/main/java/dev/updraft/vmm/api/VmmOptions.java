package dev.updraft.vmm.api;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.LoggerConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the command line asks of the VMM, with Firecracker's flag names and defaults.
 *
 * @param apiSock {@code --api-sock}
 * @param id {@code --id}: letters, digits and hyphens, 1 to 64 characters
 * @param configFile {@code --config-file}, or null
 * @param noApi {@code --no-api} (needs {@code --config-file})
 * @param logger {@code --log-path}, {@code --level}, {@code --show-level}, {@code
 *     --show-log-origin} and {@code --module}
 * @param metricsPath {@code --metrics-path}, or null
 * @param bootTimer {@code --boot-timer}
 * @param httpApiMaxPayloadSize {@code --http-api-max-payload-size}, bytes
 * @param startTimeUs {@code --start-time-us}: process start on CLOCK_MONOTONIC (from the jailer)
 * @param startTimeCpuUs {@code --start-time-cpu-us}: process CPU time at start (from the jailer)
 * @param parentCpuTimeUs {@code --parent-cpu-time-us}: CPU time the jailer spent before exec
 * @param metadata {@code --metadata}: a JSON file with the MMDS's first contents, or null
 * @param mmdsSizeLimit {@code --mmds-size-limit}: the largest MMDS document, bytes (by default the
 *     API's payload limit)
 * @param seccompFilter {@code --seccomp-filter}: a Firecracker filter document, or null for the
 *     defaults
 * @param noSeccomp {@code --no-seccomp}
 */
public record VmmOptions(
    Path apiSock,
    String id,
    Path configFile,
    boolean noApi,
    LoggerConfig logger,
    Path metricsPath,
    boolean bootTimer,
    int httpApiMaxPayloadSize,
    Long startTimeUs,
    Long startTimeCpuUs,
    Long parentCpuTimeUs,
    Path metadata,
    long mmdsSizeLimit,
    Path seccompFilter,
    boolean noSeccomp) {
  public static final Path DEFAULT_API_SOCK = Path.of("/run/firecracker.socket");
  public static final String DEFAULT_ID = "anonymous-instance";
  public static final int DEFAULT_MAX_PAYLOAD = 51_200;
  public static final int MAX_ID_LENGTH = 64;

  public VmmOptions {
    Objects.requireNonNull(apiSock, "apiSock");
    Objects.requireNonNull(logger, "logger");
    if (id == null
        || id.isEmpty()
        || id.length() > MAX_ID_LENGTH
        || !id.chars().allMatch(c -> c == '-' || Character.isLetterOrDigit(c))) {
      throw ConfigException.of(
          "--id", id, "letters, digits and hyphens, 1 to " + MAX_ID_LENGTH + " characters");
    }
    if (noApi && configFile == null) {
      throw new ConfigException("--no-api requires --config-file");
    }
    if (noSeccomp && seccompFilter != null) {
      throw new ConfigException("--no-seccomp and --seccomp-filter exclude each other");
    }
    if (httpApiMaxPayloadSize < 1) {
      throw ConfigException.of("--http-api-max-payload-size", httpApiMaxPayloadSize, "at least 1");
    }
    if (mmdsSizeLimit < 0) {
      throw ConfigException.of("--mmds-size-limit", mmdsSizeLimit, "at least 0");
    }
  }

  /** Firecracker's defaults: API on {@code /run/firecracker.socket}, nothing else configured. */
  public static VmmOptions defaults() {
    return new VmmOptions(
        DEFAULT_API_SOCK,
        DEFAULT_ID,
        null,
        false,
        LoggerConfig.UNCHANGED,
        null,
        false,
        DEFAULT_MAX_PAYLOAD,
        null,
        null,
        null,
        null,
        DEFAULT_MAX_PAYLOAD,
        null,
        false);
  }
}
