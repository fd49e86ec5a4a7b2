package dev.updraft.vmm.virtio;

/** What a device asks of the transport it is plugged into; called with the device lock held. */
interface TransportLink {
  /** Used buffers are waiting: set InterruptStatus bit 0 and raise the interrupt. */
  void usedBuffers();

  /** The configuration space changed: bump ConfigGeneration and tell a running driver. */
  void configChanged();

  /** The device cannot go on: set DEVICE_NEEDS_RESET and tell the driver. */
  void needsReset();

  /** Before a transport binds the device, nobody is there to tell. */
  TransportLink NONE =
      new TransportLink() {
        @Override
        public void usedBuffers() {}

        @Override
        public void configChanged() {}

        @Override
        public void needsReset() {}
      };
}
