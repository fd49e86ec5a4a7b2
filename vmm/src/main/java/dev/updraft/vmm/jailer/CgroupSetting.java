package dev.updraft.vmm.jailer;

import java.util.regex.Pattern;

/**
 * One {@code --cgroup FILE=VALUE}: a cgroup interface file (e.g. {@code pids.max}, {@code
 * memory.max}) and the value written to it. The controller is the file's prefix.
 */
public record CgroupSetting(String file, String value) {
  private static final Pattern FILE = Pattern.compile("[a-z_]+\\.[a-z0-9_.]+");

  public CgroupSetting {
    if (file == null || !FILE.matcher(file).matches()) {
      throw JailerException.of(
          "--cgroup", file + "=" + value, "<cgroup_file>=<value>, e.g. pids.max=100");
    }
    if (value == null || value.isEmpty() || value.contains("\n")) {
      throw JailerException.of("--cgroup", file + "=" + value, "a value after '='");
    }
  }

  /** Parses {@code FILE=VALUE}. */
  public static CgroupSetting parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw JailerException.of("--cgroup", text, "<cgroup_file>=<value>, e.g. pids.max=100");
    }
    return new CgroupSetting(text.substring(0, eq), text.substring(eq + 1));
  }

  /** The controller the file belongs to ({@code pids} for {@code pids.max}). */
  public String controller() {
    return file.substring(0, file.indexOf('.'));
  }
}
