package dev.modelyard.workers.models;

import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a transfer on a thread of its own while the activity's thread heartbeats its progress once a
 * second. The heartbeat then means "this worker is alive" even while a read waits on the network,
 * and a cancellation or a stall stops the transfer at once instead of at its next byte.
 */
final class HeartbeatingTransfer {

  /** No bytes moved for the stall timeout; retried, and a retry starts a fresh connection. */
  static final String STALLED = "TransferStalled";

  private static final Logger log = LoggerFactory.getLogger(HeartbeatingTransfer.class);
  private static final long HEARTBEAT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long POLL_MILLIS = 100;
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final TransferProgress NOTHING_YET = new TransferProgress(0, 0);

  private HeartbeatingTransfer() {}

  /** The transfer itself, run on its own thread; it reports progress as it goes. */
  @FunctionalInterface
  interface Body<T> {
    T run(Progress progress) throws IOException, InterruptedException;
  }

  /** What a transfer tells its heartbeat; called from the transfer's thread. */
  static final class Progress {

    private final Semaphore changes = new Semaphore(0);
    private volatile TransferProgress latest;
    private volatile long lastMoveNanos = System.nanoTime();

    private Progress(TransferProgress start) {
      this.latest = start;
    }

    /**
     * How far the transfer is: the next heartbeat carries it. Only bytes other than last time's
     * count as movement (a retried part's count goes back): Ollama repeats a layer's progress every
     * 60 ms while its download is stalled.
     */
    void report(TransferProgress progress) {
      TransferProgress before = latest;
      latest = progress;
      if (before == null || progress.bytesDone() != before.bytesDone()) {
        lastMoveNanos = System.nanoTime();
      }
      changes.release();
    }

    /** Something happened that moved no bytes, such as a status line: not a stall. */
    void alive() {
      lastMoveNanos = System.nanoTime();
    }

    private void awaitChange(long millis) throws InterruptedException {
      if (changes.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
        changes.drainPermits();
      }
    }
  }

  /**
   * Runs {@code body} to its end, heartbeating its progress.
   *
   * @param start the progress to heartbeat at once, or null when nothing is known before the body
   *     reports
   * @param stallTimeout how long the body may go without reporting before the attempt fails
   * @throws IOException what the body threw
   * @throws io.temporal.client.ActivityCompletionException when the activity was cancelled or timed
   *     out, after the body has stopped
   */
  static <T> T run(
      ActivityExecutionContext activity,
      TransferProgress start,
      Duration stallTimeout,
      Body<T> body)
      throws IOException {
    Progress progress = new Progress(start);
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread transfer =
        Thread.ofVirtual()
            .name("transfer-" + activity.getInfo().getActivityId())
            .start(
                () -> {
                  try {
                    result.complete(body.run(progress));
                  } catch (Throwable failure) {
                    // Handed to the activity's thread, which rethrows it.
                    result.completeExceptionally(failure);
                  }
                });
    // Wakes the heartbeat at once when the transfer ends.
    result.whenComplete((value, failure) -> progress.changes.release());
    try {
      return supervise(activity, progress, stallTimeout, result);
    } finally {
      stop(transfer);
    }
  }

  private static <T> T supervise(
      ActivityExecutionContext activity,
      Progress progress,
      Duration stallTimeout,
      CompletableFuture<T> result)
      throws IOException {
    boolean sentAny = false;
    long sentAt = System.nanoTime();
    try {
      while (true) {
        long now = System.nanoTime();
        TransferProgress latest = progress.latest;
        if (result.isDone()) {
          if (!sentAny && latest != null) {
            // A transfer quicker than a heartbeat still says once how far it went.
            activity.heartbeat(latest);
          }
          return result.get();
        }
        // The first progress goes out at once (the SDK sends a first heartbeat immediately); after
        // that once a second, which the SDK throttles further to a fraction of the timeout.
        if ((!sentAny && latest != null) || now - sentAt >= HEARTBEAT_INTERVAL_NANOS) {
          activity.heartbeat(latest != null ? latest : NOTHING_YET);
          sentAny = true;
          sentAt = now;
        }
        activity.getCancellationToken().throwIfCancellationRequested();
        if (now - progress.lastMoveNanos > stallTimeout.toNanos()) {
          throw ApplicationFailure.newFailure(
              "no progress for " + stallTimeout.toSeconds() + " s; a retry connects again",
              STALLED);
        }
        progress.awaitChange(POLL_MILLIS);
      }
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  private static RuntimeException rethrown(Throwable failure) throws IOException {
    if (failure instanceof UncheckedIOException wrapped) {
      throw wrapped.getCause();
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof RuntimeException unchecked) {
      return unchecked;
    }
    return failure instanceof Exception checked
        ? Activity.wrap(checked)
        : new IllegalStateException(failure);
  }

  /**
   * Interrupts the transfer if it still runs and waits for it, so no one writes after we return.
   */
  private static void stop(Thread transfer) {
    if (!transfer.isAlive()) {
      return;
    }
    transfer.interrupt();
    try {
      if (!transfer.join(STOP_GRACE)) {
        log.warn("{} did not stop within {}", transfer.getName(), STOP_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
