package dev.updraft.sys.kvm;

/**
 * {@code struct kvm_clock_data}: the VM's kvmclock in nanoseconds, and with {@link #REALTIME} in
 * {@code flags} the host's CLOCK_REALTIME at the same instant, which lets a restore advance the
 * clock by the wall time that passed ({@code KVM_SET_CLOCK} with {@code KVM_CLOCK_REALTIME}).
 *
 * @param clock kvmclock, ns
 * @param flags {@code KVM_CLOCK_*} bits
 * @param realtime host CLOCK_REALTIME, ns (valid with {@link #REALTIME})
 * @param hostTsc host TSC (valid with {@link #HOST_TSC})
 */
public record ClockData(long clock, int flags, long realtime, long hostTsc) {
  public static final int TSC_STABLE = 2;
  public static final int REALTIME = 4;
  public static final int HOST_TSC = 8;

  /** The same clock with other flags (KVM_SET_CLOCK reads only the ones it is given). */
  public ClockData withFlags(int newFlags) {
    return new ClockData(clock, newFlags, realtime, hostTsc);
  }
}
