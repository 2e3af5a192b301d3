package dev.modelyard.api.gateway;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The breaker in front of a Redis the gateway can do without for a while: it opens when half of
 * four calls fail, tries one call again after 5 s, and says so once as it opens and once as it
 * closes, rather than once per failed call.
 */
final class RedisBreaker {

  private RedisBreaker() {}

  /** The settings every such breaker shares, for a caller to add to. */
  static CircuitBreakerConfig.Builder config() {
    return CircuitBreakerConfig.custom()
        .slidingWindowSize(4)
        .minimumNumberOfCalls(2)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(1);
  }

  static CircuitBreaker of(
      String name, CircuitBreakerConfig config, Logger log, String whenOpen, String whenClosed) {
    CircuitBreaker breaker = CircuitBreaker.of(name, config);
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              switch (event.getStateTransition().getToState()) {
                case OPEN -> log.warn(whenOpen);
                case CLOSED -> log.info(whenClosed);
                default -> {}
              }
            });
    return breaker;
  }
}
