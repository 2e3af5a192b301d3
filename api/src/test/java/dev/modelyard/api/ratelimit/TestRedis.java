package dev.modelyard.api.ratelimit;

import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Redisson clients set up as infra's RedisAutoConfiguration sets them. */
final class TestRedis {

  private TestRedis() {}

  /** A client of its own, as one API replica has. */
  static RedissonClient client(String url) {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress(url)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0);
    config.setLazyInitialization(true);
    return Redisson.create(config);
  }

  /** Keys of one test only, on the Redis that other tests share. */
  static String uniquePrefix() {
    return "modelyard-test:ratelimit:" + UUID.randomUUID() + ":";
  }
}
