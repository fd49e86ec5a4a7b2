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
  static final Ioctl SET_USER_MEMORY_REGION =
      Ioctl.iow("KVM_SET_USER_MEMORY_REGION", KVMIO, 0x46, Structs.MEMORY_REGION_SIZE);
  static final Ioctl SET_TSS_ADDR = Ioctl.io("KVM_SET_TSS_ADDR", KVMIO, 0x47);
  static final Ioctl CREATE_IRQCHIP = Ioctl.io("KVM_CREATE_IRQCHIP", KVMIO, 0x60);
  static final Ioctl IRQ_LINE = Ioctl.iow("KVM_IRQ_LINE", KVMIO, 0x61, 8);
  static final Ioctl IRQFD = Ioctl.iow("KVM_IRQFD", KVMIO, 0x76, Structs.IRQFD_SIZE);
  static final Ioctl CREATE_PIT2 =
      Ioctl.iow("KVM_CREATE_PIT2", KVMIO, 0x77, Structs.PIT_CONFIG_SIZE);
  static final Ioctl IOEVENTFD = Ioctl.iow("KVM_IOEVENTFD", KVMIO, 0x79, Structs.IOEVENTFD_SIZE);

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
  static final Ioctl GET_MP_STATE = Ioctl.ior("KVM_GET_MP_STATE", KVMIO, 0x98, 4);
  static final Ioctl SET_MP_STATE = Ioctl.iow("KVM_SET_MP_STATE", KVMIO, 0x99, 4);
  static final Ioctl KVMCLOCK_CTRL = Ioctl.io("KVM_KVMCLOCK_CTRL", KVMIO, 0xad);

  private KvmIoctls() {}
}
