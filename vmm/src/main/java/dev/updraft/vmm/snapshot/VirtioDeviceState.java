package dev.updraft.vmm.snapshot;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.TransportState;
import dev.updraft.vmm.virtio.balloon.BalloonState;
import dev.updraft.vmm.virtio.block.BlockState;
import dev.updraft.vmm.virtio.mem.VirtioMemState;
import dev.updraft.vmm.virtio.net.NetState;
import dev.updraft.vmm.virtio.pmem.PmemState;
import dev.updraft.vmm.virtio.rng.RngState;
import dev.updraft.vmm.virtio.vsock.VsockState;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One virtio device in a snapshot: where it sits (MMIO window and GSI), its transport, and its own
 * state. A new kind of device adds a record here with its kind's tag: the exhaustive switches (this
 * file's codec, the core's restore) then say what else it needs.
 */
public sealed interface VirtioDeviceState {
  /** The device's id in the configuration ({@code drive_id}, {@code iface_id}, ...). */
  String id();

  DeviceSlot slot();

  TransportState transport();

  record Block(String id, DeviceSlot slot, TransportState transport, BlockState device)
      implements VirtioDeviceState {
    public Block {
      requireAll(id, slot, transport, device);
    }
  }

  record Net(String id, DeviceSlot slot, TransportState transport, NetState device)
      implements VirtioDeviceState {
    public Net {
      requireAll(id, slot, transport, device);
    }
  }

  /** The entropy device; there is at most one, its id is {@code "entropy"}. */
  record Rng(String id, DeviceSlot slot, TransportState transport, RngState device)
      implements VirtioDeviceState {
    public Rng {
      requireAll(id, slot, transport, device);
    }
  }

  /**
   * The balloon; there is at most one, its id is {@code "balloon"}. Its state carries its
   * configuration (added in format 1.1: older files have no balloon entry and read as before).
   */
  record Balloon(String id, DeviceSlot slot, TransportState transport, BalloonState device)
      implements VirtioDeviceState {
    public Balloon {
      requireAll(id, slot, transport, device);
    }
  }

  /**
   * The vsock device; there is at most one, its id is {@code "vsock"}. Its context id and {@code
   * uds_path} are in the configuration, where {@code vsock_override} replaces the path (added in
   * format 1.3: older files have no vsock entry).
   */
  record Vsock(String id, DeviceSlot slot, TransportState transport, VsockState device)
      implements VirtioDeviceState {
    public Vsock {
      requireAll(id, slot, transport, device);
    }
  }

  /**
   * The virtio-mem device; there is at most one, its id is {@code "mem"}. Its state carries its
   * region (added in format 1.3: older files have no entry of this kind and read as before).
   */
  record Mem(String id, DeviceSlot slot, TransportState transport, VirtioMemState device)
      implements VirtioDeviceState {
    public Mem {
      requireAll(id, slot, transport, device);
    }
  }

  /**
   * A pmem device (added in format 1.3). Its state carries its configuration, as the balloon's
   * does, so the configuration part of the file keeps its 1.0 layout.
   */
  record Pmem(
      String id, DeviceSlot slot, TransportState transport, PmemConfig config, PmemState device)
      implements VirtioDeviceState {
    public Pmem {
      requireAll(id, slot, transport, config, device);
      if (!config.id().equals(id)) {
        throw new IllegalArgumentException(
            "pmem id: \"" + config.id() + "\" (expected: the entry's \"" + id + "\")");
      }
    }
  }

  private static void requireAll(Object... parts) {
    for (Object part : parts) {
      Objects.requireNonNull(part, "a part of a virtio device's state");
    }
  }

  /** A tag naming the kind, then the id, slot, transport and device state. */
  static void write(StateWriter out, VirtioDeviceState state) {
    out.writeString(
        switch (state) {
          case Block b -> "block";
          case Net n -> "net";
          case Rng r -> "rng";
          case Balloon b -> "balloon";
          case Vsock v -> "vsock";
          case Pmem p -> "pmem";
          case Mem m -> "mem";
        });
    out.writeString(state.id())
        .writeLong(state.slot().base())
        .writeLong(state.slot().size())
        .writeInt(state.slot().gsi());
    out.write(state.transport());
    switch (state) {
      case Block b -> out.write(b.device());
      case Net n -> out.write(n.device());
      case Rng r -> out.write(r.device());
      case Balloon b -> out.write(b.device());
      case Vsock v -> out.write(v.device());
      case Pmem p -> {
        out.writeString(p.config().pathOnHost().toString())
            .writeBool(p.config().rootDevice())
            .writeBool(p.config().readOnly());
        VmConfig.writeLimiter(out, p.config().rateLimiter());
        out.write(p.device());
      }
      case Mem m -> out.write(m.device());
    }
  }

  static VirtioDeviceState read(StateReader in) {
    String kind = in.readString(32);
    String id = in.readString(256);
    DeviceSlot slot = new DeviceSlot(in.readLong(), in.readLong(), in.readInt());
    String name = kind + " " + id;
    TransportState transport = in.section(name + ": transport", TransportState::read);
    return switch (kind) {
      case "block" -> new Block(id, slot, transport, in.section(name, BlockState::read));
      case "net" -> new Net(id, slot, transport, in.section(name, NetState::read));
      case "rng" -> new Rng(id, slot, transport, in.section(name, RngState::read));
      case "balloon" -> new Balloon(id, slot, transport, in.section(name, BalloonState::read));
      case "vsock" -> new Vsock(id, slot, transport, in.section(name, VsockState::read));
      case "pmem" -> readPmem(in, id, slot, transport, name);
      case "mem" -> new Mem(id, slot, transport, in.section(name, VirtioMemState::read));
      default ->
          throw in.failure(
              "device kind: \""
                  + kind
                  + "\" (expected: one of balloon, block, mem, net, pmem, rng, vsock)");
    };
  }

  private static Pmem readPmem(
      StateReader in, String id, DeviceSlot slot, TransportState transport, String name) {
    PmemConfig config;
    try {
      config =
          new PmemConfig(
              id,
              Path.of(in.readString(4096)),
              in.readBool(),
              in.readBool(),
              VmConfig.readLimiter(in));
    } catch (RuntimeException e) {
      throw in.failure(name + ": " + e.getMessage());
    }
    return new Pmem(id, slot, transport, config, in.section(name, PmemState::read));
  }
}
