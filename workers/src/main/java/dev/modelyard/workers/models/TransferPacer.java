package dev.modelyard.workers.models;

import java.util.concurrent.TimeUnit;

/** Holds one transfer to a byte rate by sleeping whenever it gets ahead of it. */
final class TransferPacer {

  static final TransferPacer UNLIMITED = new TransferPacer(Long.MAX_VALUE);

  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long bytesPerSecond;
  private final long startNanos = System.nanoTime();

  TransferPacer(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Sleeps until {@code bytesSoFar} bytes are due at this rate. */
  void pace(long bytesSoFar) throws InterruptedException {
    if (this == UNLIMITED) {
      return;
    }
    long dueNanos = startNanos + (long) ((double) bytesSoFar / bytesPerSecond * NANOS_PER_SECOND);
    long aheadNanos = dueNanos - System.nanoTime();
    if (aheadNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(aheadNanos);
    }
  }
}
