package dev.modelyard.api.ratelimit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared limits while Redis answers, this process's otherwise. A request is never failed for a
 * Redis outage: a circuit breaker takes Redis out after a couple of fast failures (Redisson's 500
 * ms timeout without retries, set in infra's RedisAutoConfiguration), logs it once, and lets one
 * request try Redis again after {@code waitBeforeRetry}, so the shared limits come back by
 * themselves.
 */
final class FallbackRateLimiter implements RateLimiter {

  static final Duration WAIT_BEFORE_RETRY = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(FallbackRateLimiter.class);

  private final RateLimiter shared;
  private final RateLimiter local;
  private final CircuitBreaker breaker;

  FallbackRateLimiter(RateLimiter shared, RateLimiter local, Duration waitBeforeRetry) {
    this.shared = shared;
    this.local = local;
    this.breaker =
        CircuitBreaker.of(
            "redis-rate-limits",
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(waitBeforeRetry)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            // By transition, not by state: a retry that fails again (half-open to open) is part
            // of the outage already logged.
            event -> {
              switch (event.getStateTransition()) {
                case CLOSED_TO_OPEN ->
                    log.warn(
                        "Redis unreachable: rate limits hold per API replica until it is back");
                case HALF_OPEN_TO_CLOSED ->
                    log.info("Redis reachable again: rate limits are shared again");
                default -> {}
              }
            });
  }

  @Override
  public RateLimitDecision acquire(String caller, Integer callerRequests) {
    try {
      return breaker.executeSupplier(() -> shared.acquire(caller, callerRequests));
    } catch (CallNotPermittedException e) {
      return local.acquire(caller, callerRequests);
    } catch (RuntimeException e) {
      // The breaker counted it and logs the outage once it opens; each failure only at debug.
      log.debug("Redis rate limit check failed", e);
      return local.acquire(caller, callerRequests);
    }
  }

  CircuitBreaker.State redisState() {
    return breaker.getState();
  }
}
