package dev.updraft.vmm.seccomp;

import java.util.List;

/**
 * The filter of one thread kind (Firecracker's {@code Filter}): calls a rule matches get {@code
 * filterAction}, everything else {@code defaultAction}.
 */
public record ThreadFilter(
    SeccompAction defaultAction, SeccompAction filterAction, List<SyscallRule> rules) {
  public ThreadFilter {
    if (defaultAction == null || filterAction == null) {
      throw new SeccompException("default_action and filter_action are required");
    }
    rules = List.copyOf(rules);
  }
}
