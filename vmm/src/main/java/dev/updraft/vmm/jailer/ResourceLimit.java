package dev.updraft.vmm.jailer;

import dev.updraft.sys.Confinement.Resource;

/**
 * One {@code --resource-limit RESOURCE=VALUE}: {@code fsize} (largest file the process may create,
 * bytes) or {@code no-file} (one more than the highest descriptor number).
 */
public record ResourceLimit(Resource resource, long value) {
  /** Firecracker's default {@code no-file} limit. */
  public static final long DEFAULT_NO_FILE = 2048;

  public ResourceLimit {
    if (resource == null) {
      throw new JailerException("--resource-limit: a resource is required");
    }
    if (value < 0) {
      throw JailerException.of("--resource-limit", value, "a non-negative limit");
    }
  }

  /** Parses {@code fsize=N} or {@code no-file=N}. */
  public static ResourceLimit parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw JailerException.of("--resource-limit", text, "<resource>=<value>, e.g. no-file=1024");
    }
    String name = text.substring(0, eq);
    Resource resource =
        switch (name) {
          case "fsize" -> Resource.FSIZE;
          case "no-file" -> Resource.NOFILE;
          default -> throw JailerException.of("--resource-limit", text, "fsize or no-file");
        };
    try {
      long value = Long.parseLong(text.substring(eq + 1));
      return new ResourceLimit(resource, value);
    } catch (NumberFormatException e) {
      throw JailerException.of("--resource-limit", text, "a non-negative integer after '='");
    }
  }
}
