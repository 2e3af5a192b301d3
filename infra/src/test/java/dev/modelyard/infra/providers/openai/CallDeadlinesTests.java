package dev.modelyard.infra.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallDeadlinesTests {

  @Test
  void aCallThatFailsToCancelDoesNotStopTheDeadlinesOfTheOthers() throws Exception {
    try (CallDeadlines deadlines = new CallDeadlines()) {
      deadlines.watch(
          () -> {
            throw new IllegalStateException("the connection pool is shutting down");
          },
          Duration.ofMillis(10),
          "past ");
      Thread.sleep(CallDeadlines.TICK.multipliedBy(3).toMillis());

      assertThat(aLaterCallIsCancelled(deadlines))
          .as("the sweeper outlived the failed cancel")
          .isTrue();
    }
  }

  @Test
  void aCancelThatBlocksDoesNotHoldUpTheDeadlinesOfTheOthers() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    try (CallDeadlines deadlines = new CallDeadlines()) {
      // As a cloud stream's close did, waiting for the lock of a read that never returns.
      deadlines.watch(
          () -> {
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return true;
          },
          Duration.ofMillis(10),
          "past ");
      Thread.sleep(CallDeadlines.TICK.multipliedBy(3).toMillis());

      assertThat(aLaterCallIsCancelled(deadlines))
          .as("the second call was cancelled while the first cancel still blocked")
          .isTrue();
    } finally {
      released.countDown();
    }
  }

  /** Watches a call already past its deadline; whether its cancel ran within two seconds. */
  private static boolean aLaterCallIsCancelled(CallDeadlines deadlines)
      throws InterruptedException {
    CountDownLatch cancelled = new CountDownLatch(1);
    deadlines.watch(
        () -> {
          cancelled.countDown();
          return true;
        },
        Duration.ofMillis(10),
        "past ");
    return cancelled.await(2, TimeUnit.SECONDS);
  }
}
