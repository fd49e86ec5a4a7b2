package dev.updraft.vmm.ratelimit;

/** The outcome of taking tokens from a {@link TokenBucket} (Firecracker's BucketReduction). */
sealed interface BucketReduction {
  /** The tokens were there and have been taken. */
  record Success() implements BucketReduction {}

  /** Not enough tokens, even after refilling: nothing was taken. */
  record Failure() implements BucketReduction {}

  /**
   * More tokens than the bucket holds were asked for: the bucket was emptied and the request
   * allowed, and the caller must stay quiet for {@code ratio} refill times to keep the average.
   */
  record OverConsumption(double ratio) implements BucketReduction {}

  BucketReduction SUCCESS = new Success();
  BucketReduction FAILURE = new Failure();
}
