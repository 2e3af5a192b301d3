package dev.modelyard.infra.providers.openai;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.concurrent.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels calls that outlive their deadlines, checked every {@link #TICK} by one thread.
 *
 * <p>A read timeout on a virtual thread's socket is a timed park: the JDK schedules a wake-up with
 * its delay scheduler when the read waits and cancels it when the answer comes, and both wake the
 * scheduler's thread. At 2,000 calls a second that thread and its callers were a seventh of the
 * gateway's CPU (bench/README.md). A deadline watched here costs an entry in a set instead, and is
 * kept to within a tick, which is nothing against timeouts of seconds to minutes.
 */
final class CallDeadlines implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CallDeadlines.class);

  static final Duration TICK = Duration.ofMillis(50);

  private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
  private final Thread sweeper =
      Thread.ofPlatform().name("relay-deadlines").daemon().start(this::sweepUntilClosed);

  /**
   * Watches {@code call} until the returned watch is closed: past {@code total}, or past the next
   * deadline the watch is given as the call goes on (at first the total), it is cancelled. Its
   * failure then says why: {@code pastTotal} followed by the total.
   */
  Watch watch(Cancellable call, Duration total, String pastTotal) {
    Watch watch = new Watch(call, total, pastTotal);
    watched.add(watch);
    return watch;
  }

  private void sweepUntilClosed() {
    try {
      while (true) {
        Thread.sleep(TICK);
        long now = System.nanoTime();
        for (Watch watch : watched) {
          watch.expireIfPast(now);
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  @Override
  public void close() {
    sweeper.interrupt();
  }

  /** One call's deadlines; whichever comes first, its close or an expiry, decides. */
  final class Watch implements AutoCloseable {

    private final Cancellable call;
    private final Duration total;
    private final long totalAt;
    private final String pastTotal;

    /** When the call must next make progress (a stream's first event, its next bytes), and why. */
    private volatile long nextAt;

    private volatile Duration next;
    private volatile String pastNext;

    /** Why the call was cancelled; null while it was not. Written only then: none on each call. */
    private volatile String expiry;

    private Watch(Cancellable call, Duration total, String pastTotal) {
      this.call = call;
      this.total = total;
      this.totalAt = System.nanoTime() + total.toNanos();
      this.pastTotal = pastTotal;
      this.nextAt = totalAt;
      this.next = total;
      this.pastNext = pastTotal;
    }

    /**
     * From now on the call must make progress within {@code within} (and end by its total); past
     * it, its failure says {@code why} followed by {@code within}.
     */
    void next(Duration within, String why) {
      // The reason first: the sweeper reads the deadline first, so never with an older reason.
      pastNext = why;
      nextWithin(within);
    }

    /** Moves the next deadline on, for the same reason as before. */
    void nextWithin(Duration within) {
      next = within;
      nextAt = System.nanoTime() + within.toNanos();
    }

    /** Only the total bounds the call until a next deadline is set again. */
    void pause() {
      nextAt = totalAt;
    }

    /**
     * What a failed call reports: a timeout that says which deadline cancelled it, if one did;
     * otherwise {@code cause} as it came (which may be null, for a call that only looks).
     */
    IOException failure(IOException cause) {
      String why = expiry;
      if (why == null) {
        return cause;
      }
      HttpTimeoutException timedOut = new HttpTimeoutException(why);
      timedOut.initCause(cause);
      return timedOut;
    }

    private void expireIfPast(long now) {
      String why =
          now - totalAt >= 0 ? pastTotal + total : now - nextAt >= 0 ? pastNext + next : null;
      if (why != null && watched.remove(this)) {
        expiry = why;
        // On a thread of its own: a cancel that blocks (a stream whose close waits for a read)
        // must not hold up the one thread that times out every call.
        Thread.ofVirtual()
            .name("cancel-overdue-call")
            .start(
                () -> {
                  try {
                    call.cancel();
                  } catch (RuntimeException e) {
                    log.warn("cancelling an overdue call failed", e);
                  }
                });
      }
    }

    @Override
    public void close() {
      watched.remove(this);
    }
  }
}
