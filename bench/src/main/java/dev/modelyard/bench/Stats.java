package dev.modelyard.bench;

import java.time.Duration;
import java.util.Arrays;

/** One run's latencies (nanoseconds), pace and errors. */
record Stats(double p50, double p99, double max, double perSecond, int errors, long count) {

  static Stats of(long[] latencies, int errors, long elapsedNanos) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Stats(
        percentile(sorted, 50),
        percentile(sorted, 99),
        sorted[sorted.length - 1],
        sorted.length / (elapsedNanos / 1e9),
        errors,
        sorted.length);
  }

  private static double percentile(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** How long the run took. */
  Duration duration() {
    return Duration.ofNanos((long) (count / perSecond * 1e9));
  }

  String[] row(String name) {
    return new String[] {
      name,
      micros(p50),
      micros(p99),
      micros(max),
      String.format("%.0f", perSecond),
      Integer.toString(errors)
    };
  }

  static String micros(double nanos) {
    return String.format("%.0f µs", nanos / 1e3);
  }
}
