package dev.updraft.vmm.virtio.mem;

/**
 * What the virtio-mem device asks of the VMM for its region, so that the model never sees how the
 * memory is mapped or registered with KVM. Offsets are from the region's start.
 */
public interface HotplugRegion {
  /**
   * Lets the guest reach slot {@code slot} of the region (a KVM memory slot over it) or takes it
   * away. Called only when the state changes: a slot is plugged while any of its blocks is.
   */
  void slotPlugged(int slot, boolean plugged);

  /** Gives the host back the pages of {@code [offset, offset + length)}: they read zero after. */
  void discard(long offset, long length);

  /** A region for tests and for a device that is not on a machine: it does nothing. */
  HotplugRegion NONE =
      new HotplugRegion() {
        @Override
        public void slotPlugged(int slot, boolean plugged) {}

        @Override
        public void discard(long offset, long length) {}
      };
}
