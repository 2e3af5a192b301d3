package dev.modelyard.infra.settings;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/** RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW seconds, per caller. */
@ConfigurationProperties("modelyard.rate-limit")
public record RateLimitSettings(
    @DefaultValue("100") int requests,
    @DefaultValue("60") @DurationUnit(ChronoUnit.SECONDS) Duration window) {

  public RateLimitSettings {
    if (requests < 1) {
      throw new IllegalArgumentException("RATE_LIMIT_REQUESTS must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("RATE_LIMIT_WINDOW must be a positive number of seconds");
    }
  }
}
