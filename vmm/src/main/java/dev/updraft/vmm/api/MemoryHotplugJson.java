package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.MemoryHotplugConfig;
import dev.updraft.vmm.virtio.mem.MemoryHotplugStatus;

/**
 * The virtio-mem bodies as Firecracker reads and writes them ({@code MemoryHotplugConfig}, {@code
 * MemoryHotplugSizeUpdate}, {@code MemoryHotplugStatus}); unknown fields are refused, as its {@code
 * deny_unknown_fields}.
 */
final class MemoryHotplugJson {
  private MemoryHotplugJson() {}

  /** {@code PUT /hotplug/memory} and the config file's {@code memory-hotplug}. */
  static MemoryHotplugConfig config(JsonFields f) {
    f.only("total_size_mib", "block_size_mib", "slot_size_mib");
    long total = mib(f, "total_size_mib", true, 0);
    long block = mib(f, "block_size_mib", false, MemoryHotplugConfig.DEFAULT_BLOCK_SIZE_MIB);
    long slot = mib(f, "slot_size_mib", false, MemoryHotplugConfig.DEFAULT_SLOT_SIZE_MIB);
    return f.build(() -> new MemoryHotplugConfig(total, block, slot));
  }

  /** {@code PATCH /hotplug/memory}: the new requested size. */
  static long sizeUpdate(JsonFields f) {
    f.only("requested_size_mib");
    return mib(f, "requested_size_mib", true, 0);
  }

  /** {@code GET /vm/config}'s {@code memory-hotplug}. */
  static ObjectNode writeConfig(MemoryHotplugConfig config) {
    ObjectNode json = Json.object();
    json.put("total_size_mib", config.totalSizeMib());
    json.put("block_size_mib", config.blockSizeMib());
    json.put("slot_size_mib", config.slotSizeMib());
    return json;
  }

  /** {@code GET /hotplug/memory}. */
  static ObjectNode writeStatus(MemoryHotplugStatus status) {
    ObjectNode json = Json.object();
    json.put("total_size_mib", status.totalSizeMib());
    json.put("slot_size_mib", status.slotSizeMib());
    json.put("block_size_mib", status.blockSizeMib());
    json.put("plugged_size_mib", status.pluggedSizeMib());
    json.put("requested_size_mib", status.requestedSizeMib());
    return json;
  }

  /** A u32 of MiB; {@code fallback} if optional and absent. */
  private static long mib(JsonFields f, String name, boolean required, long fallback) {
    Long value = required ? Long.valueOf(f.requiredInt64(name)) : f.int64(name);
    if (value == null) {
      return fallback;
    }
    if (value < 0 || value > MemoryHotplugConfig.MAX_MIB) {
      String where = f.path().isEmpty() ? name : f.path() + "." + name;
      throw new JsonFieldException(
          where
              + ": "
              + value
              + " (expected: an integer from 0 to "
              + MemoryHotplugConfig.MAX_MIB
              + ")");
    }
    return value;
  }
}
