package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.testing.ThrowawayRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.LoggerFactory;

/**
 * A Redis outage against a redis-server of the test's own, stopped and started again mid-test: no
 * request fails, this process's limits hold meanwhile, the outage is logged once, and the shared
 * limits come back by themselves.
 */
class FallbackRateLimiterTests {

  private static final RateLimits LIMITS = RateLimiterContract.limits(3, 100);

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(FallbackRateLimiter.class);
  private int port;
  private Process redis;
  private RedissonClient client;

  @BeforeEach
  void start() throws Exception {
    port = ThrowawayRedis.freePort();
    redis = ThrowawayRedis.start(port);
    client = TestRedis.client("redis://127.0.0.1:" + port);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(logs);
    client.shutdown();
    redis.destroyForcibly();
  }

  @Test
  @Timeout(60)
  void aRedisOutageFallsBackToThisProcesssLimitsAndRecoversByItself() throws Exception {
    FallbackRateLimiter limiter =
        new FallbackRateLimiter(
            new RedisRateLimiter(client, LIMITS, "rl:", Ticker.systemTicker()),
            new LocalRateLimiter(LIMITS, ticker),
            Duration.ofMillis(200));
    assertThat(limiter.acquire("before").allowed()).isTrue();
    assertThat(storedKey("rl:caller:before")).as("counted in Redis").isTrue();

    redis.destroyForcibly().waitFor();
    Instant outage = Instant.now();
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("during").allowed()).as("request %d", i + 1).isTrue();
    }
    RateLimitDecision refused = limiter.acquire("during");

    assertThat(refused.allowed()).as("this process's limit holds").isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(20);
    assertThat(Duration.between(outage, Instant.now())).isLessThan(Duration.ofSeconds(5));
    assertThat(limiter.redisState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(warnings()).isEqualTo(1);

    // A fresh server has no scripts: coming back also proves the script is loaded again.
    redis = ThrowawayRedis.start(port);
    Instant deadline = Instant.now().plusSeconds(30);
    for (int n = 0;
        limiter.redisState() != CircuitBreaker.State.CLOSED && Instant.now().isBefore(deadline);
        n++) {
      limiter.acquire("after-" + n);
      Thread.sleep(100);
    }
    assertThat(limiter.redisState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(limiter.acquire("shared-again").allowed()).isTrue();
    assertThat(storedKey("rl:caller:shared-again")).as("counted in Redis again").isTrue();
    assertThat(warnings()).as("the outage was logged once").isEqualTo(1);
  }

  @Test
  void aScriptFlushedFromRedisIsLoadedAgain() {
    RedisRateLimiter limiter = new RedisRateLimiter(client, LIMITS, "rl:", Ticker.systemTicker());
    limiter.acquire("a");

    client.getScript().scriptFlush();

    assertThat(limiter.acquire("a").remaining()).isEqualTo(1);
  }

  private boolean storedKey(String key) {
    return client.getBucket(key, StringCodec.INSTANCE).isExists();
  }

  private long warnings() {
    return logs.list.stream().filter(event -> event.getLevel() == Level.WARN).count();
  }
}
