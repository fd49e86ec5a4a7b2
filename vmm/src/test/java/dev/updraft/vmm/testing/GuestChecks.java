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

  /** The freepage guest's (free page reporting, then a hinting run), in the order it reports. */
  public static String[] freePage() {
    return new String[] {
      "balloon-found",
      "freepage-features",
      "freepage-report",
      "freepage-report-released",
      "freepage-hint-start",
      "freepage-hint",
      "freepage-hint-done",
      "freepage-hint-released"
    };
  }

  private GuestChecks() {}
}
