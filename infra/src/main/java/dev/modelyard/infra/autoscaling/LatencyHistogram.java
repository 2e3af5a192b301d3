package dev.modelyard.infra.autoscaling;

import java.time.Duration;
import java.util.Arrays;

/**
 * Call latencies counted in fixed buckets, so that counts from several API replicas and windows add
 * up and a percentile can be read from the sum. A percentile is the upper bound of the bucket it
 * falls in (never optimistic), or the last bound for calls slower than every bound. Not
 * thread-safe: its owner guards it.
 */
public final class LatencyHistogram {

  /** Upper bounds in milliseconds; one more bucket counts everything slower. */
  static final long[] BOUNDS_MILLIS = {
    5, 10, 25, 50, 100, 250, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000,
    20_000, 30_000, 60_000, 120_000, 300_000
  };

  /** How many counts a histogram has. */
  public static final int BUCKETS = BOUNDS_MILLIS.length + 1;

  private final long[] counts;

  public LatencyHistogram() {
    this(new long[BUCKETS]);
  }

  private LatencyHistogram(long[] counts) {
    this.counts = counts;
  }

  /** A histogram of these counts, as {@link #counts()} gave them; shorter arrays are padded. */
  public static LatencyHistogram of(long[] counts) {
    if (counts.length > BUCKETS) {
      throw new IllegalArgumentException(
          "a latency histogram has " + BUCKETS + " buckets, not " + counts.length);
    }
    return new LatencyHistogram(Arrays.copyOf(counts, BUCKETS));
  }

  public void record(long nanos) {
    long millis = nanos / 1_000_000;
    int bucket = Arrays.binarySearch(BOUNDS_MILLIS, millis);
    counts[bucket >= 0 ? bucket : -bucket - 1]++;
  }

  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
  }

  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** The {@code quantile} (0 to 1) of the counted calls, or null when none were counted. */
  public Duration percentile(double quantile) {
    long total = total();
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= Math.max(rank, 1)) {
        return Duration.ofMillis(BOUNDS_MILLIS[Math.min(i, BOUNDS_MILLIS.length - 1)]);
      }
    }
    return Duration.ofMillis(BOUNDS_MILLIS[BOUNDS_MILLIS.length - 1]);
  }

  public long[] counts() {
    return counts.clone();
  }
}
