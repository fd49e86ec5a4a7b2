package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.boot.BootProtocol;
import dev.updraft.vmm.boot.ImageSource;
import dev.updraft.vmm.boot.KernelLoader;
import dev.updraft.vmm.boot.LoadedKernel;
import dev.updraft.vmm.memory.HeapGuestMemory;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
  @Test
  void theTrainingKernelIsOneTheLoaderAccepts() {
    HeapGuestMemory memory = HeapGuestMemory.ofSize(4 << 20);
    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(AotTraining.spinningKernel()));
    assertThat(kernel.protocol()).isEqualTo(BootProtocol.LINUX_64);
    assertThat(kernel.entry()).isEqualTo(0x100078);
    assertThat(memory.readShort(0x100078)).isEqualTo((short) 0xFEEB);
  }
}
