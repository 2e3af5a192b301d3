package dev.modelyard.infra.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestServices;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Against the real test Redis, through Redisson as Modelyard uses it. */
class RedisRoundTripTests {

  private final RedissonClient redis = connect(TestServices.get("REDIS_URL"));

  @AfterEach
  void shutdown() {
    redis.shutdown();
  }

  @Test
  void aBucketWithATtlReadsBackExpiresInTimeAndCanBeDeleted() {
    RBucket<String> bucket = redis.getBucket("modelyard:test:" + UUID.randomUUID());

    bucket.set("hello", Duration.ofMinutes(1));

    assertThat(bucket.get()).isEqualTo("hello");
    assertThat(bucket.remainTimeToLive()).isBetween(1L, Duration.ofMinutes(1).toMillis());
    assertThat(bucket.delete()).isTrue();
    assertThat(bucket.isExists()).isFalse();
    assertThat(bucket.get()).isNull();
  }

  private static RedissonClient connect(String url) {
    Config config = new Config();
    config.useSingleServer().setAddress(url);
    return Redisson.create(config);
  }
}
