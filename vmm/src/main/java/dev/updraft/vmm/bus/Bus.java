package dev.updraft.vmm.bus;

import dev.updraft.vmm.devices.BusDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Maps address ranges to devices, like rust-vmm's vm-device bus: a guest access at address A goes
 * to the device whose range holds A, with the offset from the range's base. vCPU threads look up
 * concurrently without locks; the table is replaced whole when a device is added.
 */
public final class Bus {
  /** One device's range. */
  public record Range(long base, long length, BusDevice device, String name) {
    public Range {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(name, "name");
      if (length <= 0 || base + length < base) {
        throw new IllegalArgumentException(
            name + " length: " + length + " (expected: > 0, no wrap-around)");
      }
    }

    long end() {
      return base + length;
    }
  }

  private final String name;
  private volatile Range[] ranges = new Range[0];

  /** A bus called {@code name} ("pio" or "mmio"), for messages. */
  public Bus(String name) {
    this.name = name;
  }

  /** Adds {@code device} at {@code [base, base + length)}; ranges must not overlap. */
  public synchronized void insert(BusDevice device, long base, long length, String deviceName) {
    Range added = new Range(base, length, device, deviceName);
    List<Range> list = new ArrayList<>(Arrays.asList(ranges));
    for (Range r : list) {
      if (added.base() < r.end() && r.base() < added.end()) {
        throw new IllegalArgumentException(
            name
                + " range of "
                + deviceName
                + ": 0x"
                + Long.toHexString(base)
                + "+0x"
                + Long.toHexString(length)
                + " (expected: free, but "
                + r.name()
                + " is at 0x"
                + Long.toHexString(r.base())
                + ")");
      }
    }
    list.add(added);
    list.sort((a, b) -> Long.compare(a.base(), b.base()));
    ranges = list.toArray(Range[]::new);
  }

  /** The devices in address order. */
  public List<Range> ranges() {
    return List.of(ranges);
  }

  /** The range that holds {@code address}, or null. */
  public Range find(long address) {
    Range[] table = ranges;
    int lo = 0;
    int hi = table.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Range r = table[mid];
      if (address < r.base()) {
        hi = mid - 1;
      } else if (address >= r.end()) {
        lo = mid + 1;
      } else {
        return r;
      }
    }
    return null;
  }

  /** Dispatches a read; returns false (and leaves {@code data} untouched) if no device is there. */
  public boolean read(long address, byte[] data) {
    Range r = find(address);
    if (r == null) {
      return false;
    }
    r.device().read(address - r.base(), data);
    return true;
  }

  /** Dispatches a write; returns false if no device is there. */
  public boolean write(long address, byte[] data) {
    Range r = find(address);
    if (r == null) {
      return false;
    }
    r.device().write(address - r.base(), data);
    return true;
  }
}
