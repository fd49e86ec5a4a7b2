package dev.updraft.vmm.boot;

import static dev.updraft.vmm.testing.GuestBytes.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.GsiAllocator;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.MmioAllocator;
import dev.updraft.vmm.boot.TestImages.Elf;
import dev.updraft.vmm.boot.TestImages.Phdr;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestBootTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(128 << 20));
  private final MmioAllocator mmio = new MmioAllocator(new GsiAllocator());
  private final List<DeviceSlot> devices = List.of(mmio.allocate(), mmio.allocate());

  @Test
  void linuxBootLeavesEveryStructureWhereTheKernelLooks() {
    LoadedKernel kernel =
        KernelLoader.load(memory, ImageSource.of(TestImages.kernel(0x2000, 0x3000).bytes()));
    Initrd initrd = InitrdLoader.load(memory, ImageSource.of(new byte[5000]), kernel);
    KernelCmdline cmdline = cmdline(devices);

    BootCpuState state =
        GuestBoot.configure(memory, BootPlan.of(kernel, cmdline, 2, devices).withInitrd(initrd));

    assertThat(state).isEqualTo(BootCpuState.of(BootProtocol.LINUX_64, 0x100_0000));
    assertThat(ascii(memory, 0x20000, cmdline.text().length())).isEqualTo(cmdline.text());
    assertThat(memory.readInt(0x7000 + 0x218)).isEqualTo((int) initrd.address());
    assertThat(memory.readLong(0x7000 + 0x70)).isEqualTo(0xE0000);
    assertThat(ascii(memory, 0x9FC00, 4)).isEqualTo("_MP_");
    assertThat(ascii(memory, 0xE0000, 8)).isEqualTo("RSD PTR ");
    assertThat(memory.readLong(0x9000)).isEqualTo(0xA003);
  }

  @Test
  void pvhBootWritesTheStartInfoInsteadOfAZeroPage() {
    Elf elf = TestImages.kernel(0x2000, 0x2000);
    byte[] note = TestImages.note("Xen", 18, TestImages.u64(0x100_0040));
    System.arraycopy(note, 0, elf.body, 0x1000, note.length);
    elf.phdrs.add(Phdr.note(elf.bodyOffset + 0x1000, note.length));
    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(elf.bytes()));

    BootCpuState state =
        GuestBoot.configure(memory, BootPlan.of(kernel, cmdline(devices), 1, devices));

    assertThat(state.rip()).isEqualTo(0x100_0040);
    assertThat(state.rbx()).isEqualTo(0x6000);
    assertThat(memory.readInt(0x6000)).isEqualTo(0x336EC578);
    assertThat(memory.readInt(0x600C)).isZero(); // no modules
    assertThat(memory.readLong(0x7000)).isZero(); // memmap entry 0 starts at 0
    assertThat(memory.readLong(0x7008)).isEqualTo(0x9FC00);
    assertThat(memory.readLong(0x9000)).isZero(); // no page tables
  }

  private static KernelCmdline cmdline(List<DeviceSlot> slots) {
    KernelCmdline cmdline = KernelCmdline.of("console=ttyS0").withRootDevice(true);
    for (DeviceSlot slot : slots) {
      cmdline = cmdline.withVirtioMmio(slot);
    }
    return cmdline.withPciOff();
  }
}
