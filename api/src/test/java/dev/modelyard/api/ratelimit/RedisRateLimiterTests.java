package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.testing.TestServices;
import java.util.ArrayList;
import java.util.List;
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
    return new RedisRateLimiter(client(), limits, prefix);
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

  /** An API replica as production builds it: its own client, Redis before its own limits. */
  private RateLimiter replica(RateLimits limits) {
    return new FallbackRateLimiter(
        new RedisRateLimiter(client(), limits, prefix),
        new LocalRateLimiter(limits, Ticker.systemTicker()),
        FallbackRateLimiter.WAIT_BEFORE_RETRY);
  }

  private RedissonClient client() {
    RedissonClient client = TestRedis.client(TestServices.get("REDIS_URL"));
    clients.add(client);
    return client;
  }
}
