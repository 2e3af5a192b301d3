package dev.modelyard.infra.redis;

import dev.modelyard.infra.settings.RedisSettings;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** A Redisson client when REDIS_URL is set; without it, caches and limits stay in process. */
@AutoConfiguration
@EnableConfigurationProperties(RedisSettings.class)
public class RedisAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RedisAutoConfiguration.class);

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnExpression("!'${modelyard.redis.url:}'.isEmpty()")
  RedissonClient redissonClient(RedisSettings settings) {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress(settings.url().toString())
        .setConnectTimeout(500)
        .setTimeout(500)
        // The cache is an optimisation: fail fast and let its circuit breaker take Redis out.
        .setRetryAttempts(0);
    // Start-up must not fail when Redis is briefly away: the cache degrades and recovers instead.
    config.setLazyInitialization(true);
    log.info(
        "Redis: external at {}:{} (REDIS_URL)", settings.url().getHost(), settings.url().getPort());
    return Redisson.create(config);
  }
}
