package dev.updraft.vmm.virtio.balloon;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * Where a free page hinting run stands (virtio 1.2 section 5.5.6.2, Firecracker's {@code
 * HintingState}). The host starts a run by putting a fresh command id into {@code
 * free_page_hint_cmd_id}; the driver answers on the free page queue with that id, then the free
 * pages it hints, then {@link #STOP}. The host ends the run with {@link #DONE}, after which the
 * driver may use the hinted pages again. Ids 0 and 1 are those two commands, so runs count from 2.
 *
 * @param hostCmd the command id the host last set (u32)
 * @param lastCmdId the id the last run started with (u32), 0 before any
 * @param guestCmd the command id the driver last sent (u32), or {@link #NONE} if it sent none
 * @param acknowledgeOnStop whether the host answers the driver's STOP with DONE by itself
 */
public record HintingState(long hostCmd, long lastCmdId, long guestCmd, boolean acknowledgeOnStop)
    implements Encodable {
  /** The driver stopped hinting (from the driver), or the host asks it to stop (from the host). */
  public static final long STOP = 0;

  /** The host is done with the hinted pages: the driver may take them back. */
  public static final long DONE = 1;

  /** No command id from the driver yet. */
  public static final long NONE = -1;

  /** Before any run: the host's id is STOP, as after a reset. */
  public static final HintingState INITIAL = new HintingState(STOP, 0, NONE, false);

  public HintingState {
    requireU32("hostCmd", hostCmd);
    requireU32("lastCmdId", lastCmdId);
    if (guestCmd != NONE) {
      requireU32("guestCmd", guestCmd);
    }
  }

  /**
   * A new run: the id after the last one, skipping STOP and DONE when the count wraps (as
   * Firecracker does).
   */
  public HintingState start(boolean acknowledge) {
    long next = (lastCmdId + 1) & 0xFFFF_FFFFL;
    if (next <= DONE) {
      next = 2;
    }
    return new HintingState(next, next, guestCmd, acknowledge);
  }

  /** The host set {@code cmd} in the configuration space. */
  public HintingState withHostCmd(long cmd) {
    return new HintingState(cmd, lastCmdId, guestCmd, acknowledgeOnStop);
  }

  /** The driver sent {@code cmd} on the free page queue. */
  public HintingState withGuestCmd(long cmd) {
    return new HintingState(hostCmd, lastCmdId, cmd, acknowledgeOnStop);
  }

  /**
   * Whether a hinted page belongs to the run going on: the host has one going (its id is neither
   * STOP nor DONE) and the driver's last id is that run's, so late pages of an older run are kept.
   */
  public boolean accepts() {
    return hostCmd != STOP && hostCmd != DONE && guestCmd == hostCmd;
  }

  /** What {@code GET /balloon/hinting/status} reports. */
  public HintingStatus status() {
    return new HintingStatus(hostCmd, guestCmd == NONE ? null : guestCmd);
  }

  @Override
  public void write(StateWriter out) {
    out.writeLong(hostCmd).writeLong(lastCmdId).writeLong(guestCmd).writeBool(acknowledgeOnStop);
  }

  public static HintingState read(StateReader in) {
    return new HintingState(in.readLong(), in.readLong(), in.readLong(), in.readBool());
  }

  private static void requireU32(String name, long value) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: 0 to 4294967295)");
    }
  }
}
