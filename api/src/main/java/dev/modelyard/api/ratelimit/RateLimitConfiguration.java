package dev.modelyard.api.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.infra.settings.RateLimitSettings;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Shared limits through Redis when REDIS_URL is set, with this process's as the fallback. */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

  @Bean
  RateLimiter rateLimiter(
      RateLimitSettings settings,
      ObjectProvider<RedissonClient> redis,
      ObjectProvider<DeploymentIdentity> deployment) {
    RateLimits limits = RateLimits.from(settings);
    Ticker ticker = Ticker.systemTicker();
    LocalRateLimiter local = new LocalRateLimiter(limits, ticker);
    RedissonClient client = redis.getIfAvailable();
    log.info(
        "Rate limits: {} requests per {} s per caller, {} for all callers, {}",
        settings.requests(),
        settings.window().toSeconds(),
        settings.globalRequests(),
        client == null ? "in this process (REDIS_URL unset)" : "shared through Redis");
    if (client == null) {
      return local;
    }
    // Named by the deployment: another one given the same Redis keeps limits of its own.
    String keyPrefix = RedisRateLimiter.KEY_PREFIX + deployment.getObject().id() + ":";
    return new FallbackRateLimiter(
        new RedisRateLimiter(client, limits, keyPrefix, ticker),
        local,
        FallbackRateLimiter.WAIT_BEFORE_RETRY);
  }
}
