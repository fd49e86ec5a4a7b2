package dev.updraft.sys.kvm;

import dev.updraft.sys.Ioctl;

/**
 * Every KVM ioctl updraft issues, grouped by the descriptor it goes to. Sizes are the kernel's
 * struct sizes (checked against {@code linux/kvm.h} by KvmIoctlsTest, which compiles a C probe).
 */
final class KvmIoctls {
  private static final int KVMIO = 0xAE;

  // /dev/kvm
  static final Ioctl GET_API_VERSION = Ioctl.io("KVM_GET_API_VERSION", KVMIO, 0x00);
  static final Ioctl CREATE_VM = Ioctl.io("KVM_CREATE_VM", KVMIO, 0x01);
  static final Ioctl GET_MSR_INDEX_LIST = Ioctl.iowr("KVM_GET_MSR_INDEX_LIST", KVMIO, 0x02, 4);
  static final Ioctl CHECK_EXTENSION = Ioctl.io("KVM_CHECK_EXTENSION", KVMIO, 0x03);
  static final Ioctl GET_VCPU_MMAP_SIZE = Ioctl.io("KVM_GET_VCPU_MMAP_SIZE", KVMIO, 0x04);
  static final Ioctl GET_SUPPORTED_CPUID = Ioctl.iowr("KVM_GET_SUPPORTED_CPUID", KVMIO, 0x05, 8);

  // VM fd
  static final Ioctl CREATE_VCPU = Ioctl.io("KVM_CREATE_VCPU", KVMIO, 0x41);
  static final Ioctl GET_DIRTY_LOG =
      Ioctl.iow("KVM_GET_DIRTY_LOG", KVMIO, 0x42, Structs.DIRTY_LOG_SIZE);
  static final Ioctl SET_USER_MEMORY_REGION =
      Ioctl.iow("KVM_SET_USER_MEMORY_REGION", KVMIO, 0x46, Structs.MEMORY_REGION_SIZE);
  static final Ioctl SET_TSS_ADDR = Ioctl.io("KVM_SET_TSS_ADDR", KVMIO, 0x47);
  static final Ioctl CREATE_IRQCHIP = Ioctl.io("KVM_CREATE_IRQCHIP", KVMIO, 0x60);
  static final Ioctl IRQ_LINE = Ioctl.iow("KVM_IRQ_LINE", KVMIO, 0x61, 8);
  static final Ioctl GET_IRQCHIP = Ioctl.iowr("KVM_GET_IRQCHIP", KVMIO, 0x62, Structs.IRQCHIP_SIZE);
  // _IOR although the kernel reads it: an old mistake the ABI keeps.
  static final Ioctl SET_IRQCHIP = Ioctl.ior("KVM_SET_IRQCHIP", KVMIO, 0x63, Structs.IRQCHIP_SIZE);
  static final Ioctl IRQFD = Ioctl.iow("KVM_IRQFD", KVMIO, 0x76, Structs.IRQFD_SIZE);
  static final Ioctl CREATE_PIT2 =
      Ioctl.iow("KVM_CREATE_PIT2", KVMIO, 0x77, Structs.PIT_CONFIG_SIZE);
  static final Ioctl IOEVENTFD = Ioctl.iow("KVM_IOEVENTFD", KVMIO, 0x79, Structs.IOEVENTFD_SIZE);
  static final Ioctl SET_CLOCK = Ioctl.iow("KVM_SET_CLOCK", KVMIO, 0x7b, Structs.CLOCK_DATA_SIZE);
  static final Ioctl GET_CLOCK = Ioctl.ior("KVM_GET_CLOCK", KVMIO, 0x7c, Structs.CLOCK_DATA_SIZE);
  static final Ioctl GET_PIT2 = Ioctl.ior("KVM_GET_PIT2", KVMIO, 0x9f, Structs.PIT_STATE2_SIZE);
  static final Ioctl SET_PIT2 = Ioctl.iow("KVM_SET_PIT2", KVMIO, 0xa0, Structs.PIT_STATE2_SIZE);

  // vCPU fd
  static final Ioctl RUN = Ioctl.io("KVM_RUN", KVMIO, 0x80);
  static final Ioctl GET_REGS = Ioctl.ior("KVM_GET_REGS", KVMIO, 0x81, Structs.REGS_SIZE);
  static final Ioctl SET_REGS = Ioctl.iow("KVM_SET_REGS", KVMIO, 0x82, Structs.REGS_SIZE);
  static final Ioctl GET_SREGS = Ioctl.ior("KVM_GET_SREGS", KVMIO, 0x83, Structs.SREGS_SIZE);
  static final Ioctl SET_SREGS = Ioctl.iow("KVM_SET_SREGS", KVMIO, 0x84, Structs.SREGS_SIZE);
  static final Ioctl GET_MSRS = Ioctl.iowr("KVM_GET_MSRS", KVMIO, 0x88, 8);
  static final Ioctl SET_MSRS = Ioctl.iow("KVM_SET_MSRS", KVMIO, 0x89, 8);
  static final Ioctl GET_FPU = Ioctl.ior("KVM_GET_FPU", KVMIO, 0x8c, Structs.FPU_SIZE);
  static final Ioctl SET_FPU = Ioctl.iow("KVM_SET_FPU", KVMIO, 0x8d, Structs.FPU_SIZE);
  static final Ioctl GET_LAPIC = Ioctl.ior("KVM_GET_LAPIC", KVMIO, 0x8e, Structs.LAPIC_SIZE);
  static final Ioctl SET_LAPIC = Ioctl.iow("KVM_SET_LAPIC", KVMIO, 0x8f, Structs.LAPIC_SIZE);
  static final Ioctl SET_CPUID2 = Ioctl.iow("KVM_SET_CPUID2", KVMIO, 0x90, 8);
  static final Ioctl GET_CPUID2 = Ioctl.iowr("KVM_GET_CPUID2", KVMIO, 0x91, 8);
  static final Ioctl GET_MP_STATE = Ioctl.ior("KVM_GET_MP_STATE", KVMIO, 0x98, 4);
  static final Ioctl SET_MP_STATE = Ioctl.iow("KVM_SET_MP_STATE", KVMIO, 0x99, 4);
  static final Ioctl GET_VCPU_EVENTS =
      Ioctl.ior("KVM_GET_VCPU_EVENTS", KVMIO, 0x9f, Structs.VCPU_EVENTS_SIZE);
  static final Ioctl SET_VCPU_EVENTS =
      Ioctl.iow("KVM_SET_VCPU_EVENTS", KVMIO, 0xa0, Structs.VCPU_EVENTS_SIZE);
  static final Ioctl GET_DEBUGREGS =
      Ioctl.ior("KVM_GET_DEBUGREGS", KVMIO, 0xa1, Structs.DEBUGREGS_SIZE);
  static final Ioctl SET_DEBUGREGS =
      Ioctl.iow("KVM_SET_DEBUGREGS", KVMIO, 0xa2, Structs.DEBUGREGS_SIZE);
  static final Ioctl SET_TSC_KHZ = Ioctl.io("KVM_SET_TSC_KHZ", KVMIO, 0xa2);
  static final Ioctl GET_TSC_KHZ = Ioctl.io("KVM_GET_TSC_KHZ", KVMIO, 0xa3);
  static final Ioctl GET_XSAVE = Ioctl.ior("KVM_GET_XSAVE", KVMIO, 0xa4, Structs.XSAVE_SIZE);
  static final Ioctl SET_XSAVE = Ioctl.iow("KVM_SET_XSAVE", KVMIO, 0xa5, Structs.XSAVE_SIZE);
  static final Ioctl GET_XCRS = Ioctl.ior("KVM_GET_XCRS", KVMIO, 0xa6, Structs.XCRS_SIZE);
  static final Ioctl SET_XCRS = Ioctl.iow("KVM_SET_XCRS", KVMIO, 0xa7, Structs.XCRS_SIZE);
  static final Ioctl KVMCLOCK_CTRL = Ioctl.io("KVM_KVMCLOCK_CTRL", KVMIO, 0xad);
  static final Ioctl GET_XSAVE2 = Ioctl.ior("KVM_GET_XSAVE2", KVMIO, 0xcf, Structs.XSAVE_SIZE);

  private KvmIoctls() {}
}
