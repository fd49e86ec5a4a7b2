package dev.updraft.vmm.dumbo;

/**
 * The bytes of responses all connections together may hold until their clients acknowledge them:
 * without it, a guest that opens every connection and never reads would make the VMM hold as many
 * copies of the largest response.
 */
final class ResponseBudget {
  private final long limit;
  private long held;

  ResponseBudget(long limit) {
    this.limit = limit;
  }

  /** Takes {@code bytes} of the budget; false (and nothing taken) if that would exceed it. */
  boolean reserve(long bytes) {
    if (held + bytes > limit) {
      return false;
    }
    held += bytes;
    return true;
  }

  void release(long bytes) {
    held = Math.max(0, held - bytes);
  }

  long held() {
    return held;
  }
}
