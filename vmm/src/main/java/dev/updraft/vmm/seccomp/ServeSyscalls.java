package dev.updraft.vmm.seccomp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code updraft vm serve} adds to the {@code vmm} filter. A single-VM process builds its VM
 * and opens its API socket before any filter is installed; serve does both again for every VM it
 * creates, under the filter. Each call is here for one reason, measured by running serve with the
 * defaults (a trapped call is logged by name).
 */
final class ServeSyscalls {
  // link: a VM's API socket is bound under a private name and linked into place.
  // epoll_create1: each VM's device event loop and its API thread's selector.
  static final List<String> VMM_ADDITIONS = List.of("link", "epoll_create1");

  private ServeSyscalls() {}

  static FilterSet extend(FilterSet set) {
    ThreadFilter vmm = set.filter(ThreadKind.VMM);
    List<SyscallRule> rules = new ArrayList<>(vmm.rules());
    for (String name : VMM_ADDITIONS) {
      if (rules.stream().noneMatch(r -> r.name().equals(name))) {
        int number =
            SyscallTable.number(name)
                .orElseThrow(() -> new IllegalStateException(name + ": not in the syscall table"));
        rules.add(new SyscallRule(name, number, List.of()));
      }
    }
    Map<ThreadKind, ThreadFilter> filters = new EnumMap<>(set.filters());
    filters.put(ThreadKind.VMM, new ThreadFilter(vmm.defaultAction(), vmm.filterAction(), rules));
    return new FilterSet(filters);
  }
}
