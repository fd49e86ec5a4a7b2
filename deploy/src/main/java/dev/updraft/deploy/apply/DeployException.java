package dev.updraft.deploy.apply;

import java.io.Serial;

/**
 * A deployment failure for users (Qovery's EngineError, split per cause): a tag for machines, a
 * message, a hint on what to do, and the failing service's log tail when there is one.
 */
public final class DeployException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String tag;
  private final String hint;
  private final String logTail;

  public DeployException(String tag, String message, String hint, String logTail) {
    super(message);
    this.tag = tag;
    this.hint = hint;
    this.logTail = logTail;
  }

  public String tag() {
    return tag;
  }

  public String hint() {
    return hint;
  }

  public String logTail() {
    return logTail;
  }
}
