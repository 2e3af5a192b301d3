package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process limiter, on a ticker the test moves: no test waits for real time. */
class LocalRateLimiterTests extends RateLimiterContract {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private final Ticker ticker = nanos::get;

  @Override
  RateLimiter limiter(RateLimits limits) {
    return new LocalRateLimiter(limits, ticker);
  }

  @Test
  void oneRequestsWorthReturnsEachIntervalAndNoMore() {
    RateLimiter limiter = limiter(limits(3, 100));
    spend(limiter, "a", 3);

    advance(Duration.ofSeconds(20));

    RateLimitDecision allowed = limiter.acquire("a");
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.remaining()).isZero();
    assertThat(limiter.acquire("a").allowed()).isFalse();
  }

  @Test
  void aRefusalSaysWhenTheNextRequestIsAllowed() {
    RateLimiter limiter = limiter(limits(3, 100));
    spend(limiter, "a", 3);
    advance(Duration.ofSeconds(5));

    RateLimitDecision refused = limiter.acquire("a");
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(15));

    advance(Duration.ofSeconds(15).minusMillis(1));
    RateLimitDecision stillRefused = limiter.acquire("a");
    assertThat(stillRefused.allowed()).isFalse();
    assertThat(stillRefused.retryAfterSeconds()).as("rounded up").isEqualTo(1);

    advance(Duration.ofMillis(1));
    assertThat(limiter.acquire("a").allowed()).isTrue();
  }

  @Test
  void theWholeBudgetIsBackAWindowAfterTheLastRequest() {
    RateLimiter limiter = limiter(limits(3, 100));
    spend(limiter, "a", 3);

    advance(MINUTE);

    assertThat(limiter.acquire("a").remaining()).isEqualTo(2);
    assertThat(limiter.acquire("a").remaining()).isEqualTo(1);
  }

  @Test
  void anIdleCallerIsForgottenWithNothingLost() {
    LocalRateLimiter limiter = new LocalRateLimiter(limits(3, 100), ticker);
    spend(limiter, "a", 2);

    advance(MINUTE.plusSeconds(1));

    RateLimitDecision decision = limiter.acquire("a");
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.remaining()).isEqualTo(2);
  }

  @Test
  void aWindowThatDoesNotDivideEvenlyStillAllowsTheWholeBudget() {
    RateLimiter limiter = limiter(limits(7, 100));

    spend(limiter, "a", 7);

    assertThat(limiter.acquire("a").allowed()).isFalse();
  }

  @Test
  void aLimitNearOneRequestAMicrosecondLetsNoMoreThroughThanItSays() {
    // 700,000 a second: a whole-microsecond interval rounded down (1) would let 1,000,000 through.
    Duration second = Duration.ofSeconds(1);
    RateLimiter limiter =
        limiter(
            new RateLimits(
                new RateLimits.Limit(700_000, second), new RateLimits.Limit(700_000, second)));

    spend(limiter, "a", 700_000);

    assertThat(limiter.acquire("a").allowed()).isFalse();
  }

  private static void spend(RateLimiter limiter, String caller, int requests) {
    for (int i = 0; i < requests; i++) {
      assertThat(limiter.acquire(caller).allowed()).as("request %d", i + 1).isTrue();
    }
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
