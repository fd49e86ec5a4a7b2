package dev.updraft.vmm.virtio.rng;

import java.io.IOException;
import java.security.SecureRandom;

/** Where the guest's entropy comes from: the host's generator, or a fake in tests. */
@FunctionalInterface
public interface EntropySource {
  /** Fills {@code buffer} with random bytes. */
  void fill(byte[] buffer) throws IOException;

  /**
   * The host's generator: {@link SecureRandom}'s default, which on Linux is NativePRNG reading
   * /dev/urandom (Firecracker uses the host's getrandom through aws-lc).
   */
  static EntropySource system() {
    SecureRandom random = new SecureRandom();
    return random::nextBytes;
  }
}
