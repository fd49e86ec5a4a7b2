package dev.updraft.deploy.journal;

import java.util.Locale;

/**
 * Who or what starts a release, as the journal records it: the user at the command line, or what a
 * caller such as the console binds with {@link #BY} while it runs the engine.
 */
public final class Actor {
  /** Bound by a caller that starts releases on someone's behalf (the console). */
  public static final ScopedValue<String> BY = ScopedValue.newInstance();

  private Actor() {}

  /** The bound actor, else the user running this process at the command line. */
  public static String current() {
    if (BY.isBound()) {
      return BY.get();
    }
    return System.getProperty("user.name", "unknown").toLowerCase(Locale.ROOT) + " (cli)";
  }
}
