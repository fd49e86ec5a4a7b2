package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * DSDT ("FCVMDSDT"): every virtio-mmio transport as {@code \_SB_.Vnnn} with the virtio-mmio ACPI id
 * LNRO0005 (how distribution kernels, whose VIRTIO_MMIO_CMDLINE_DEVICES is off, find them), then
 * COM1 and the PS/2 controller, in Firecracker's order and with its names.
 */
final class Dsdt {
  private Dsdt() {}

  static byte[] build(List<DeviceSlot> virtioDevices) {
    List<byte[]> terms = new ArrayList<>();
    for (DeviceSlot slot : virtioDevices) {
      terms.add(virtio(slot));
    }
    terms.add(com1());
    terms.add(ps2());
    return Sdt.table("DSDT", 2, "FCVMDSDT", Aml.concat(terms.toArray(byte[][]::new)));
  }

  /** {@code Vnnn} with nnn = GSI - 5, Firecracker's naming, so names follow the GSI order. */
  static byte[] virtio(DeviceSlot slot) {
    int id = slot.gsi() - Layout.GSI_LEGACY_START;
    return Aml.device(
        String.format("_SB_.V%03d", id),
        Aml.name("_HID", Aml.string("LNRO0005")),
        Aml.name("_UID", Aml.integer(id)),
        Aml.name("_CCA", Aml.ONE),
        Aml.name(
            "_CRS",
            Aml.resourceTemplate(
                AmlResource.memory32Fixed(true, slot.base(), slot.size()),
                edgeInterrupt(slot.gsi()))));
  }

  private static byte[] com1() {
    return Aml.device(
        "_SB_.COM1",
        Aml.name("_HID", Aml.eisaId("PNP0501")),
        Aml.name("_UID", Aml.ZERO),
        Aml.name("_DDN", Aml.string("COM1")),
        Aml.name(
            "_CRS",
            Aml.resourceTemplate(
                edgeInterrupt(Layout.GSI_COM1),
                AmlResource.io(Layout.COM1_PORT, Layout.COM1_PORT, 1, Layout.COM1_PORT_SIZE))));
  }

  private static byte[] ps2() {
    int data = Layout.I8042_PORT;
    int command = Layout.I8042_PORT + Layout.I8042_PORT_SIZE - 1;
    return Aml.device(
        "_SB_.PS2_",
        Aml.name("_HID", Aml.eisaId("PNP0303")),
        Aml.method("_STA", 0, false, Aml.returnValue(Aml.integer(0x0F))),
        Aml.name(
            "_CRS",
            Aml.resourceTemplate(
                AmlResource.io(data, data, 1, 1),
                AmlResource.io(command, command, 1, 1),
                edgeInterrupt(Layout.GSI_I8042))));
  }

  /** Edge-triggered, active-high and exclusive: what an irqfd pulse into the IOAPIC is. */
  private static byte[] edgeInterrupt(int gsi) {
    return AmlResource.interrupt(true, true, false, false, gsi);
  }
}
