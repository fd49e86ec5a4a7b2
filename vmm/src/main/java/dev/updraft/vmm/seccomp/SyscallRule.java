package dev.updraft.vmm.seccomp;

import java.util.List;

/**
 * One entry of a filter: system call {@code name} (number {@code number} on x86-64), matched when
 * every condition holds (none: always). Several entries for one call are alternatives.
 */
public record SyscallRule(String name, int number, List<ArgCondition> conditions) {
  public SyscallRule {
    if (name == null || name.isEmpty()) {
      throw SeccompException.of("syscall", name, "a system call name");
    }
    if (number < 0) {
      throw SeccompException.of("syscall", name, "an x86_64 system call");
    }
    conditions = List.copyOf(conditions);
    if (conditions.size() > 6) {
      throw SeccompException.of("args", conditions.size() + " conditions", "at most 6");
    }
  }
}
