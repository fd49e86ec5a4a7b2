package dev.updraft.vmm.testing;

/** The checks a test guest reports as passed when all went well, for tests on either VMM. */
public final class GuestChecks {
  /** The balloon guest's, in the order it reports them. */
  public static String[] balloon() {
    return new String[] {
      "balloon-found",
      "balloon-target",
      "balloon-inflate",
      "balloon-released",
      "balloon-deflate",
      "balloon-stats-poll"
    };
  }

  private GuestChecks() {}
}
