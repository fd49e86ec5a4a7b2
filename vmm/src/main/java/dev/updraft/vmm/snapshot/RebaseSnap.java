package dev.updraft.vmm.snapshot;

import dev.updraft.sys.Fd;
import dev.updraft.sys.OpenFlags;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Firecracker's {@code rebase-snap} (and {@code snapshot-editor edit-memory rebase}): lays a diff
 * snapshot's memory file over a base memory file. The diff is sparse, holding only the pages the
 * guest and the VMM wrote since the base, so its data ranges ({@code SEEK_DATA}/{@code SEEK_HOLE})
 * are exactly what to copy; the base then is the memory at the diff's moment.
 *
 * <p>{@code updraft vm rebase-snap --base-file BASE --diff-file DIFF}, the flags of Firecracker's
 * tool.
 */
public final class RebaseSnap {
  private RebaseSnap() {}

  /** Copies every data range of {@code diff} into {@code base} at the same offset. */
  public static long merge(Path base, Path diff) {
    try {
      long baseSize = Files.size(base);
      long diffSize = Files.size(diff);
      if (baseSize != diffSize) {
        throw new SnapshotException(
            "--diff-file: "
                + diff
                + ": "
                + diffSize
                + " bytes (expected: "
                + baseSize
                + ", the size of --base-file "
                + base
                + ")");
      }
      long copied = 0;
      try (Fd holes = Fd.open(diff, OpenFlags.O_RDONLY);
          FileChannel from = FileChannel.open(diff, StandardOpenOption.READ);
          FileChannel to = FileChannel.open(base, StandardOpenOption.WRITE)) {
        long data = holes.seekData(0);
        while (data >= 0 && data < diffSize) {
          long end = holes.seekHole(data);
          for (long at = data; at < end; ) {
            to.position(at);
            long moved = from.transferTo(at, end - at, to);
            if (moved <= 0) {
              throw new SnapshotException("--diff-file: " + diff + ": shrank while being read");
            }
            at += moved;
          }
          copied += end - data;
          data = holes.seekData(end);
        }
        to.force(false);
      }
      return copied;
    } catch (IOException e) {
      throw new SnapshotException("rebase: " + e, e);
    }
  }

  /** {@code rebase-snap --base-file BASE --diff-file DIFF}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path base = null;
    Path diff = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length || !(flag.equals("--base-file") || flag.equals("--diff-file"))) {
        err.println("usage: rebase-snap --base-file BASE --diff-file DIFF");
        return 2;
      }
      Path value = Path.of(args[++i]);
      if (flag.equals("--base-file")) {
        base = value;
      } else {
        diff = value;
      }
    }
    if (base == null || diff == null) {
      err.println("usage: rebase-snap --base-file BASE --diff-file DIFF");
      return 2;
    }
    try {
      long copied = merge(base, diff);
      out.println("rebase-snap: copied " + copied + " bytes of " + diff + " over " + base);
      return 0;
    } catch (SnapshotException e) {
      err.println("rebase-snap: " + e.getMessage());
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }
}
