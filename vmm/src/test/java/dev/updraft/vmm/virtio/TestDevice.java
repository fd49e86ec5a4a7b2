package dev.updraft.vmm.virtio;

import dev.updraft.vmm.metrics.Counters;
import java.util.ArrayList;
import java.util.List;

/**
 * A device for transport and queue tests: two queues; every good chain is returned with its total
 * length as used, every bad one with 0 (and counted); an 8-byte configuration space.
 */
final class TestDevice extends VirtioDevice {
  static final long F_TEST = VirtioFeatures.bit(3);

  final List<DescriptorChain> chains = new ArrayList<>();
  final List<BadChain> bad = new ArrayList<>();
  byte[] config = {1, 2, 3, 4, 5, 6, 7, 8};
  boolean failActivation;
  int activations;
  int resets;

  TestDevice(Counters counters) {
    super(
        DeviceType.RNG,
        2,
        F_TEST | VirtioFeatures.RING_EVENT_IDX,
        counters,
        "event_fails",
        "cfg_fails");
  }

  /** What a runtime update does: changes the configuration and tells the driver. */
  void changeConfig(byte[] newConfig) {
    locked(
        () -> {
          config = newConfig;
          configChanged();
        });
  }

  @Override
  protected byte[] configSpace() {
    return config;
  }

  @Override
  protected boolean writeConfig(int offset, byte[] data) {
    System.arraycopy(data, 0, config, offset, data.length);
    return true;
  }

  @Override
  protected void onActivate() {
    if (failActivation) {
      throw new IllegalStateException("backend gone");
    }
    activations++;
  }

  @Override
  protected void onQueueNotify(int index) {
    drain(
        queue(index),
        queue -> {
          switch (queue.pop()) {
            case DescriptorChain chain -> {
              chains.add(chain);
              queue.addUsed(chain.head(), chain.totalLength());
            }
            case BadChain chain -> {
              bad.add(chain);
              queue.addUsed(chain.head(), 0);
            }
          }
          return true;
        });
  }

  @Override
  protected void onReset() {
    resets++;
  }
}
