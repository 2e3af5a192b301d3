package dev.modelyard.infra.postgres;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fills a batch of rows to insert from a queue: it waits for the first, then lingers a moment for
 * more. Without the linger, a steady trickle of requests costs one INSERT (and one round trip and
 * one commit in PostgreSQL) each; with it, a few per second whatever the rate.
 */
public final class LingeringBatch {

  /**
   * Long enough to gather a busy second's rows into a few statements, short enough to read back.
   * Each insert takes PostgreSQL a moment of CPU, which on a small machine the request path
   * notices: at 50 ms, a fifth of a second of traffic was slowed every 50 ms (the gateway
   * benchmark's p99 at one request at a time).
   */
  public static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * How often a lingering batch looks at its queue. Waiting on the queue instead woke the writer
   * for every row that arrived, thousands of times a second under load.
   */
  static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private LingeringBatch() {}

  /**
   * Adds up to {@code max} elements to the empty {@code batch}: the first within {@code waitNanos}
   * (none: returns false), then those that arrive within {@link #LINGER_NANOS} after it.
   */
  public static <T> boolean fill(BlockingQueue<T> queue, List<T> batch, int max, long waitNanos)
      throws InterruptedException {
    T first = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
    if (first == null) {
      return false;
    }
    batch.add(first);
    long deadline = System.nanoTime() + LINGER_NANOS;
    while (true) {
      queue.drainTo(batch, max - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= max || left <= 0) {
        return true;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, LOOK_NANOS));
    }
  }
}
