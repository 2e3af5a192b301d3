package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every rate limiter promises, run against each one: the in-process limiter and Redis's
 * script. Only what needs no passing time is here; time is the in-process tests' business.
 */
abstract class RateLimiterContract {

  static final Duration MINUTE = Duration.ofMinutes(1);

  abstract RateLimiter limiter(RateLimits limits);

  static RateLimits limits(int perCaller, int global) {
    return new RateLimits(
        new RateLimits.Limit(perCaller, MINUTE), new RateLimits.Limit(global, MINUTE));
  }

  @Test
  void allowsTheWholeBudgetAtOnceThenRefusesUntilOneRequestsWorthIsBack() {
    RateLimiter limiter = limiter(limits(3, 100));

    assertThat(IntStream.range(0, 3).mapToObj(i -> limiter.acquire("a")))
        .allSatisfy(decision -> assertThat(decision.allowed()).isTrue())
        .extracting(RateLimitDecision::remaining)
        .containsExactly(2L, 1L, 0L);
    RateLimitDecision refused = limiter.acquire("a");

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.CALLER);
    assertThat(refused.limit().requests()).isEqualTo(3);
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).as("a third of the window").isEqualTo(20);
    assertThat(refused.resetSeconds()).isEqualTo(60);
  }

  @Test
  void eachCallerHasABudgetOfItsOwn() {
    RateLimiter limiter = limiter(limits(1, 100));

    assertThat(limiter.acquire("a").allowed()).isTrue();
    assertThat(limiter.acquire("a").allowed()).isFalse();
    assertThat(limiter.acquire("b").allowed()).isTrue();
  }

  @Test
  void theGlobalLimitHoldsForAllCallersTogether() {
    RateLimiter limiter = limiter(limits(2, 3));

    assertThat(limiter.acquire("a").allowed()).isTrue();
    assertThat(limiter.acquire("a").allowed()).isTrue();
    assertThat(limiter.acquire("b").allowed()).isTrue();
    RateLimitDecision refused = limiter.acquire("c");

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.GLOBAL);
    assertThat(refused.limit().requests()).isEqualTo(3);
    assertThat(refused.retryAfterSeconds()).isEqualTo(20);
  }

  @Test
  void aRefusedRequestSpendsNeitherBudget() {
    RateLimiter limiter = limiter(limits(1, 2));

    assertThat(limiter.acquire("a").allowed()).isTrue();
    assertThat(limiter.acquire("a").allowed()).as("refused by a's own limit").isFalse();
    assertThat(limiter.acquire("b").allowed()).as("the refusal left the global budget").isTrue();
    assertThat(limiter.acquire("c").allowed()).isFalse();
  }

  @Test
  void theHeadersDescribeTheTighterLimit() {
    RateLimiter limiter = limiter(limits(5, 3));

    RateLimitDecision first = limiter.acquire("a");

    assertThat(first.allowed()).isTrue();
    assertThat(first.scope()).isEqualTo(RateLimitDecision.Scope.GLOBAL);
    assertThat(first.limit().requests()).isEqualTo(3);
    assertThat(first.remaining()).isEqualTo(2);
    assertThat(first.resetSeconds()).isEqualTo(20);
    assertThat(first.retryAfter()).isZero();
  }
}
