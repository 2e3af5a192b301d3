package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.testing.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The shared limits against the test services' real Redis, each test under keys of its own. Two
 * limiters with two Redisson clients stand for two API replicas.
 */
class RedisRateLimiterTests extends RateLimiterContract {

  private final String prefix = TestRedis.uniquePrefix();
  private final List<RedissonClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    if (!clients.isEmpty()) {
      clients.getFirst().getKeys().deleteByPattern(prefix + "*");
    }
    clients.forEach(RedissonClient::shutdown);
  }

  @Override
  RateLimiter limiter(RateLimits limits) {
    return new RedisRateLimiter(client(), limits, prefix, Ticker.systemTicker());
  }

  @Test
  void twoApiReplicasShareOneBudgetPerCaller() {
    RateLimits limits = limits(4, 100);
    RateLimiter first = replica(limits);
    RateLimiter second = replica(limits);

    assertThat(first.acquire("a").remaining()).isEqualTo(3);
    assertThat(second.acquire("a").remaining()).isEqualTo(2);
    assertThat(first.acquire("a").remaining()).isEqualTo(1);
    assertThat(second.acquire("a").remaining()).isZero();

    assertThat(first.acquire("a").allowed()).isFalse();
    assertThat(second.acquire("a").allowed()).isFalse();
    assertThat(second.acquire("b").allowed()).as("another caller's budget is whole").isTrue();
  }

  @Test
  void twoApiReplicasShareOneGlobalBudget() {
    RateLimits limits = limits(100, 3);
    RateLimiter first = replica(limits);
    RateLimiter second = replica(limits);

    assertThat(first.acquire("a").allowed()).isTrue();
    assertThat(second.acquire("b").allowed()).isTrue();
    assertThat(first.acquire("c").allowed()).isTrue();
    RateLimitDecision refused = second.acquire("d");

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.GLOBAL);
  }

  @Test
  void keysExpireWhenTheirBudgetIsFullAgain() {
    RateLimiter limiter = limiter(limits(3, 100));

    limiter.acquire("a");

    RedissonClient redis = clients.getFirst();
    long callerTtl = redis.getBucket(prefix + "caller:a", StringCodec.INSTANCE).remainTimeToLive();
    long globalTtl = redis.getBucket(prefix + "global", StringCodec.INSTANCE).remainTimeToLive();
    assertThat(callerTtl).as("one interval of 3 per minute").isBetween(1L, 20_000L);
    assertThat(globalTtl).as("one interval of 100 per minute").isBetween(1L, 600L);
  }

  @Test
  void aBusyLimitIsLeasedInBatchesInsteadOfAskedOnEveryRequest() {
    RedisRateLimiter limiter =
        new RedisRateLimiter(client(), limits(100_000, 1_000_000), prefix, Ticker.systemTicker());

    long allowed = IntStream.range(0, 5_000).filter(i -> limiter.acquire("busy").allowed()).count();

    assertThat(allowed).isEqualTo(5_000);
    assertThat(limiter.roundTrips()).as("round trips to Redis").isLessThan(500);
  }

  @Test
  void leasingReplicasTogetherNeverExceedTheSharedBudget() {
    // An hour's window: the budget refills by under one request while the test runs.
    RateLimits limits =
        new RateLimits(
            new RateLimits.Limit(1_000, Duration.ofHours(1)),
            new RateLimits.Limit(1_000_000, Duration.ofHours(1)));
    List<RedisRateLimiter> replicas =
        List.of(
            new RedisRateLimiter(client(), limits, prefix, Ticker.systemTicker()),
            new RedisRateLimiter(client(), limits, prefix, Ticker.systemTicker()));

    long allowed =
        IntStream.range(0, 1_500)
            .filter(i -> replicas.get(i % 2).acquire("shared").allowed())
            .count();

    // Leases of at most 10 (1% of 1,000): each replica may end holding 9 it never spent.
    assertThat(allowed).isBetween(1_000L - 18, 1_001L);
    assertThat(replicas.get(0).acquire("shared").allowed()).isFalse();
    assertThat(replicas.get(0).roundTrips() + replicas.get(1).roundTrips())
        .as("round trips to Redis")
        .isLessThan(1_500);
  }

  @Test
  void aLeasedRequestsResetCountsDownFromTheGrant() {
    AtomicLong nanos = new AtomicLong(System.nanoTime());
    // An hour's window: the reset is seconds long, and the caller's limit binds.
    RateLimits limits =
        new RateLimits(
            new RateLimits.Limit(100_000, Duration.ofHours(1)),
            new RateLimits.Limit(10_000_000, Duration.ofHours(1)));
    RedisRateLimiter limiter = new RedisRateLimiter(client(), limits, prefix, nanos::get);
    limiter.acquire("leased"); // a lease of one, to learn the pace
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    RateLimitDecision granted = limiter.acquire("leased"); // a lease of a hundred
    long roundTrips = limiter.roundTrips();

    nanos.addAndGet(Duration.ofMillis(400).toNanos());
    RateLimitDecision fromLease = limiter.acquire("leased");

    assertThat(limiter.roundTrips()).as("served from the lease").isEqualTo(roundTrips);
    assertThat(granted.scope()).isEqualTo(RateLimitDecision.Scope.CALLER);
    assertThat(fromLease.scope()).isEqualTo(RateLimitDecision.Scope.CALLER);
    assertThat(granted.resetAfter()).isGreaterThan(Duration.ofSeconds(1));
    assertThat(fromLease.resetAfter()).isEqualTo(granted.resetAfter().minusMillis(400));
  }

  @Test
  void aBusyCallersLeasesAreRenewedAheadSoThatNoRequestWaitsForRedis() {
    AtomicLong nanos = new AtomicLong(System.nanoTime());
    RedisRateLimiter limiter =
        new RedisRateLimiter(client(), limits(60_000_000, 60_000_000), prefix, nanos::get);
    // The leases grow from one request to a tenth of a second of this pace: 200 requests.
    sendAtTwoThousandASecond(limiter, nanos, 1_000);
    long waited = limiter.roundTrips();

    sendAtTwoThousandASecond(limiter, nanos, 10_000);

    assertThat(limiter.roundTrips()).as("requests that waited for Redis").isEqualTo(waited);
    // A renewal each 200 requests: when half of a lease of 200 is spent, it is topped up by 200.
    assertThat(limiter.renewalsAhead()).as("leases renewed ahead").isBetween(45L, 55L);
  }

  @Test
  void aRenewalAheadIsTakenFromTheSharedBudgetSoALimitStaysWhole() {
    AtomicLong nanos = new AtomicLong(System.nanoTime());
    // An hour's window: the budget refills by under one request while the test runs.
    RateLimits limits =
        new RateLimits(
            new RateLimits.Limit(1_000, Duration.ofHours(1)),
            new RateLimits.Limit(1_000_000, Duration.ofHours(1)));
    RedisRateLimiter limiter = new RedisRateLimiter(client(), limits, prefix, nanos::get);

    long allowed = 0;
    for (int i = 0; i < 1_500; i++) {
      allowed += limiter.acquire("shared").allowed() ? 1 : 0;
      nanos.addAndGet(500_000);
      awaitRenewals(limiter);
    }

    assertThat(limiter.renewalsAhead()).as("leases renewed ahead").isPositive();
    // Every renewal was granted from the shared budget and spent; one more if a request's worth
    // came back while the test ran.
    assertThat(allowed).isBetween(1_000L, 1_001L);
  }

  @Test
  void aRenewalThatFailsFailsNoRequestAndRenewalsComeBackOnceARequestReachesRedis() {
    AtomicLong nanos = new AtomicLong(System.nanoTime());
    RedissonClient redis = client();
    RedisRateLimiter limiter =
        new RedisRateLimiter(redis, limits(60_000_000, 60_000_000), prefix, nanos::get);
    sendAtTwoThousandASecond(limiter, nanos, 1_000);
    long renewed = limiter.renewalsAhead();
    long waited = limiter.roundTrips();

    // As after a restart of Redis: the next renewal fails (NOSCRIPT) and grants nothing.
    redis.getScript().scriptFlush();
    sendAtTwoThousandASecond(limiter, nanos, 2_000);

    assertThat(limiter.roundTrips())
        .as("the request that found its lease spent asked Redis, which reloaded the script")
        .isGreaterThan(waited);
    assertThat(limiter.renewalsAhead()).as("renewals ahead again").isGreaterThan(renewed + 5);
  }

  /**
   * {@code count} requests half a millisecond apart, each one's renewal answered before the next.
   */
  private static void sendAtTwoThousandASecond(
      RedisRateLimiter limiter, AtomicLong nanos, int count) {
    for (int i = 0; i < count; i++) {
      assertThat(limiter.acquire("busy").allowed()).isTrue();
      nanos.addAndGet(500_000);
      awaitRenewals(limiter);
    }
  }

  private static void awaitRenewals(RedisRateLimiter limiter) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (limiter.renewalsInFlight() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("a renewal was not answered within 5 s");
      }
      Thread.onSpinWait();
    }
  }

  /** An API replica as production builds it: its own client, Redis before its own limits. */
  private RateLimiter replica(RateLimits limits) {
    return new FallbackRateLimiter(
        new RedisRateLimiter(client(), limits, prefix, Ticker.systemTicker()),
        new LocalRateLimiter(limits, Ticker.systemTicker()),
        FallbackRateLimiter.WAIT_BEFORE_RETRY);
  }

  private RedissonClient client() {
    RedissonClient client = TestRedis.client(TestServices.get("REDIS_URL"));
    clients.add(client);
    return client;
  }
}
