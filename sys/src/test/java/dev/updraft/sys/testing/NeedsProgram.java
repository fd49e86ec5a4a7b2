package dev.updraft.sys.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A program a test runs that a bare Debian machine with a JDK lacks. Without it on the PATH the
 * test is skipped, and the reason names the program and the Debian package that installs it, so a
 * machine without the packages {@code .ci/run} installs skips rather than fails deep inside:
 *
 * <pre>{@code
 * @NeedsProgram(value = "busybox", debian = "busybox-static")
 * class ResourceLimitsIT { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(NeedsPrograms.class)
@ExtendWith(ProgramCondition.class)
public @interface NeedsProgram {
  /** The program as the test runs it from the PATH, e.g. {@code busybox}. */
  String value();

  /** The Debian package that installs it, e.g. {@code busybox-static}. */
  String debian();
}
