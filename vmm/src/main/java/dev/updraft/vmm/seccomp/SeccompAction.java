package dev.updraft.vmm.seccomp;

/**
 * What a filter does with a system call (Firecracker's {@code SeccompAction}): {@code allow},
 * {@code trap}, {@code log}, {@code kill_thread}, {@code kill_process}, {@code {"errno": N}} or
 * {@code {"trace": N}}; {@code data} is N for the last two and 0 otherwise.
 */
public record SeccompAction(Kind kind, int data) {
  /** The actions, with the kernel's SECCOMP_RET_* value. */
  public enum Kind {
    ALLOW("allow", 0x7fff_0000),
    TRAP("trap", 0x0003_0000),
    LOG("log", 0x7ffc_0000),
    KILL_THREAD("kill_thread", 0x0000_0000),
    KILL_PROCESS("kill_process", 0x8000_0000),
    ERRNO("errno", 0x0005_0000),
    TRACE("trace", 0x7ff0_0000);

    private final String json;
    private final int value;

    Kind(String json, int value) {
      this.json = json;
      this.value = value;
    }

    public String json() {
      return json;
    }

    /** Whether the JSON form carries a number ({@code {"errno": 1}}). */
    public boolean takesData() {
      return this == ERRNO || this == TRACE;
    }
  }

  public static final SeccompAction ALLOW = new SeccompAction(Kind.ALLOW, 0);
  public static final SeccompAction TRAP = new SeccompAction(Kind.TRAP, 0);

  public SeccompAction {
    if (kind == null) {
      throw new SeccompException("action: null (expected: an action)");
    }
    if (kind.takesData() ? data < 0 || data > 0xffff : data != 0) {
      throw SeccompException.of(kind.json(), data, kind.takesData() ? "0..65535" : "no value");
    }
  }

  /** The 32-bit value a BPF {@code ret} returns for this action. */
  public int returnValue() {
    return kind.value | data;
  }
}
