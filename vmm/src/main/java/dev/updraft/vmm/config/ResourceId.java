package dev.updraft.vmm.config;

/**
 * The ids of drives and network interfaces. Firecracker's API accepts letters, digits and
 * underscores; the same rule here keeps ids usable in metric group names such as {@code
 * block_rootfs}.
 */
public final class ResourceId {
  public static final int MAX_LENGTH = 64;

  private ResourceId() {}

  /**
   * Returns {@code id} when it is valid.
   *
   * @throws ConfigException naming {@code field} otherwise
   */
  public static String check(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw ConfigException.of(field, id == null ? "missing" : "\"\"", "a non-empty id");
    }
    if (id.length() > MAX_LENGTH || !id.chars().allMatch(ResourceId::allowed)) {
      throw ConfigException.of(
          field,
          '"' + id + '"',
          "letters, digits and underscores, at most " + MAX_LENGTH + " characters");
    }
    return id;
  }

  /** Whether {@code c} may appear in an id. */
  public static boolean allowed(int c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }
}
