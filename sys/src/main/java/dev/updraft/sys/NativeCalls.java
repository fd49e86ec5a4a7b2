package dev.updraft.sys;

/**
 * Control over when the sys layer links its libc downcalls. Each link builds a stub and costs
 * milliseconds the first time; they are linked on first use, and a VMM links the rest on a spare
 * thread once its API answers, so that InstanceStart does not pay for them.
 */
public final class NativeCalls {
  private NativeCalls() {}

  /** Links every downcall the sys classes use. */
  public static void linkAll() {
    for (Class<?> group : Libc.class.getDeclaredClasses()) {
      try {
        Class.forName(group.getName(), true, group.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new NativeLinkException("libc group " + group.getName() + " missing", e);
      }
    }
  }
}
