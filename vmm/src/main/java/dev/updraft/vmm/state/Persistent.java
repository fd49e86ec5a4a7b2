package dev.updraft.vmm.state;

/**
 * The contract a device model keeps with snapshots: it gives its state as a value (a record, no
 * FFM, no references to live objects) and takes one back. The VMM core gathers the values of every
 * device into the snapshot and, on restore, makes each device again from its configuration and
 * hands it its value.
 *
 * <p>{@link #save} runs while the guest is paused and the device thread is parked in the snapshot
 * task, so the device is quiet; {@link #restore} runs on a freshly made device before any vCPU or
 * device event reaches it.
 *
 * @param <S> the state record; it encodes itself with {@link StateWriter} and has a static {@code
 *     read(StateReader)} (see {@link Encodable})
 */
public interface Persistent<S extends Encodable> {
  S save();

  void restore(S state);
}
