package dev.updraft.deploy.spec;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** A spec with mistakes: all of them, each with its position, reported before any work. */
public final class SpecException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public SpecException(List<Problem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in the spec:\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
