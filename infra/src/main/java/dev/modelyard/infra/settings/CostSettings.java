package dev.modelyard.infra.settings;

import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * COST_TRACKING_ENABLED, MONTHLY_COST_LIMIT (US dollars; unset means no limit) and
 * COST_LIMIT_SCOPE: what a reached limit stops.
 */
@ConfigurationProperties("modelyard.costs")
public record CostSettings(
    @DefaultValue("true") boolean trackingEnabled,
    BigDecimal monthlyLimit,
    @DefaultValue("cloud_fallbacks") LimitScope limitScope) {

  /** What a reached limit stops: only the paid cloud fallbacks, or every generation. */
  public enum LimitScope {
    CLOUD_FALLBACKS,
    ALL_TRAFFIC
  }

  public CostSettings {
    if (monthlyLimit != null && monthlyLimit.signum() < 0) {
      throw new IllegalArgumentException("MONTHLY_COST_LIMIT must not be negative");
    }
    limitScope = limitScope == null ? LimitScope.CLOUD_FALLBACKS : limitScope;
  }
}
