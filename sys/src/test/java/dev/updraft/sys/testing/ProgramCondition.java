package dev.updraft.sys.testing;

import dev.updraft.sys.Host;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Skips a test whose {@link NeedsProgram}s are not all on the PATH, naming what to install. */
final class ProgramCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return evaluate(context.getElement().map(ProgramCondition::programs).orElse(List.of()));
  }

  static ConditionEvaluationResult evaluate(List<NeedsProgram> needs) {
    List<String> missing = new ArrayList<>();
    Set<String> packages = new LinkedHashSet<>();
    for (NeedsProgram need : needs) {
      if (!Host.hasCommand(need.value())) {
        missing.add(need.value());
        packages.add(need.debian());
      }
    }
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled(
          "has " + needs.stream().map(NeedsProgram::value).toList());
    }
    return ConditionEvaluationResult.disabled(reason(missing, packages));
  }

  /** e.g. {@code needs busybox, ip on the PATH: apt-get install busybox-static iproute2}. */
  static String reason(List<String> missing, Set<String> packages) {
    return "needs "
        + String.join(", ", missing)
        + " on the PATH: apt-get install "
        + String.join(" ", packages);
  }

  static List<NeedsProgram> programs(AnnotatedElement element) {
    return AnnotationSupport.findRepeatableAnnotations(element, NeedsProgram.class);
  }
}
