package dev.modelyard.infra.providers.openai;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Cancels calls that outlive their deadline, checked every {@link #TICK} by one thread.
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

  /** Watches {@code call} until the returned watch is closed; past {@code timeout}, cancels it. */
  Watch watch(Cancellable call, Duration timeout) {
    Watch watch = new Watch(call, System.nanoTime() + timeout.toNanos());
    watched.add(watch);
    return watch;
  }

  private void sweepUntilClosed() {
    try {
      while (true) {
        Thread.sleep(TICK);
        long now = System.nanoTime();
        for (Watch watch : watched) {
          if (now - watch.deadline >= 0) {
            watch.expire();
          }
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

  /** One call's deadline; whichever comes first, its close or its expiry, decides. */
  final class Watch implements AutoCloseable {

    private final Cancellable call;
    private final long deadline;
    private volatile boolean expired;

    private Watch(Cancellable call, long deadline) {
      this.call = call;
      this.deadline = deadline;
    }

    /** Whether the call was cancelled for passing its deadline. */
    boolean expired() {
      return expired;
    }

    private void expire() {
      if (watched.remove(this)) {
        expired = true;
        call.cancel();
      }
    }

    @Override
    public void close() {
      watched.remove(this);
    }
  }
}
