package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import java.nio.file.Path;

/**
 * {@code /serial}: where the guest's COM1 output goes and how fast.
 *
 * @param serialOutPath a file or FIFO for the output, or null for the VMM's standard output
 * @param rateLimiter a byte bucket; output beyond it is dropped and counted; or null for none
 */
public record SerialConfig(Path serialOutPath, TokenBucketConfig rateLimiter) {}
