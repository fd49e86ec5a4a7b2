package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecParser;
import java.util.function.UnaryOperator;

/**
 * The specs the journal's releases applied, read as the engine reads its own: on its target, and
 * derived the same way (a preview's releases are its source's spec under its own names).
 */
final class ReleaseSpecs {
  private final UnaryOperator<EnvironmentSpec> derive;

  ReleaseSpecs(UnaryOperator<EnvironmentSpec> derive) {
    this.derive = derive;
  }

  /** The spec {@code release} applied, on the target and base directory of {@code current}. */
  EnvironmentSpec parse(History.Release release, EnvironmentSpec current) {
    return derive.apply(
        SpecParser.parse(
            release.specPath(), release.specText(), current.baseDir(), current.target()));
  }

  /**
   * The spec of the last good release, against {@code spec} (whose text is {@code specText}); null
   * when there is none or it no longer parses.
   */
  EnvironmentSpec previous(History history, EnvironmentSpec spec, String specText) {
    History.Release good = history.lastGood();
    if (good == null || good.specText() == null || good.specText().isEmpty()) {
      return null;
    }
    if (good.specText().equals(specText)) {
      // Unchanged (a re-apply): the same text on the same base and target parses to an equal
      // spec, the release's path only names it in errors; skip parsing it again.
      return spec;
    }
    try {
      return parse(good, spec);
    } catch (SpecException e) {
      return null;
    }
  }

  /** The last good release, to explain the plan's changes. */
  static Planner.Before before(History history, EnvironmentSpec previous) {
    History.Release good = history.lastGood();
    return good == null
        ? Planner.Before.NONE
        : new Planner.Before(previous, good.versions(), good.fingerprints());
  }
}
