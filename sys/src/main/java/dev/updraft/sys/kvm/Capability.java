package dev.updraft.sys.kvm;

import java.util.EnumSet;
import java.util.Set;

/**
 * The KVM capabilities updraft checks before it builds a VM (Firecracker's DEFAULT_CAPABILITIES
 * plus immediate_exit for vCPU kicks), with the numbers from {@code linux/kvm.h}.
 */
public enum Capability {
  IRQCHIP(0),
  USER_MEMORY(3),
  SET_TSS_ADDR(4),
  EXT_CPUID(7),
  NR_VCPUS(9),
  NR_MEMSLOTS(10),
  MP_STATE(14),
  IRQFD(32),
  PIT2(33),
  PIT_STATE2(35),
  IOEVENTFD(36),
  ADJUST_CLOCK(39),
  VCPU_EVENTS(41),
  DEBUGREGS(50),
  XSAVE(55),
  XCRS(56),
  TSC_CONTROL(60),
  GET_TSC_KHZ(61),
  MAX_VCPUS(66),
  TSC_DEADLINE_TIMER(72),
  KVMCLOCK_CTRL(76),
  READONLY_MEM(81),
  IMMEDIATE_EXIT(136),
  XSAVE2(208);

  private final int number;

  Capability(int number) {
    this.number = number;
  }

  /** The {@code KVM_CAP_*} number. */
  public int number() {
    return number;
  }

  /** What a VM needs from the host KVM before updraft creates it. */
  public static Set<Capability> required() {
    return EnumSet.of(
        IRQCHIP,
        IOEVENTFD,
        IRQFD,
        USER_MEMORY,
        SET_TSS_ADDR,
        PIT2,
        PIT_STATE2,
        ADJUST_CLOCK,
        MP_STATE,
        VCPU_EVENTS,
        EXT_CPUID,
        IMMEDIATE_EXIT);
  }
}
