package dev.modelyard.infra.providers.openai;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.concurrent.Cancellable;

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

  static final Duration TICK = Duration.ofMillis(50);

  private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
  private final Thread sweeper =
      Thread.ofPlatform().name("relay-deadlines").daemon().start(this::sweepUntilClosed);

  /**
   * Watches {@code call} until the returned watch is closed: past {@code total}, or past the next
   * deadline the watch is given as the call goes on (at first the total), it is cancelled.
   */
  Watch watch(Cancellable call, Duration total) {
    Watch watch = new Watch(call, System.nanoTime() + total.toNanos());
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

  /** Which of a call's deadlines cancelled it. */
  enum Passed {
    NONE,
    NEXT,
    TOTAL
  }

  /** One call's deadlines; whichever comes first, its close or an expiry, decides. */
  final class Watch implements AutoCloseable {

    private final Cancellable call;
    private final long total;

    /** When the call must next make progress (a stream's first event, its next bytes). */
    private volatile long next;

    private volatile Passed passed = Passed.NONE;

    private Watch(Cancellable call, long total) {
      this.call = call;
      this.total = total;
      this.next = total;
    }

    /** From now on the call must make progress within {@code within} (and end by its total). */
    void nextWithin(Duration within) {
      next = System.nanoTime() + within.toNanos();
    }

    /** Which deadline cancelled the call, if one did. */
    Passed passed() {
      return passed;
    }

    boolean expired() {
      return passed != Passed.NONE;
    }

    private void expireIfPast(long now) {
      Passed past = now - total >= 0 ? Passed.TOTAL : now - next >= 0 ? Passed.NEXT : Passed.NONE;
      if (past != Passed.NONE && watched.remove(this)) {
        passed = past;
        call.cancel();
      }
    }

    @Override
    public void close() {
      watched.remove(this);
    }
  }
}
