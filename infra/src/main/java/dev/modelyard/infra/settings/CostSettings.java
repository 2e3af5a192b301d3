package dev.modelyard.infra.settings;

import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** COST_TRACKING_ENABLED and MONTHLY_COST_LIMIT (US dollars; unset means no limit). */
@ConfigurationProperties("modelyard.costs")
public record CostSettings(@DefaultValue("true") boolean trackingEnabled, BigDecimal monthlyLimit) {

  public CostSettings {
    if (monthlyLimit != null && monthlyLimit.signum() < 0) {
      throw new IllegalArgumentException("MONTHLY_COST_LIMIT must not be negative");
    }
  }
}
