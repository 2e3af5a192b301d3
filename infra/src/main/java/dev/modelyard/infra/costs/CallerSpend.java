package dev.modelyard.infra.costs;

import java.math.BigDecimal;

/**
 * What one caller has spent since the first of the current month (UTC), answered without waiting.
 */
@FunctionalInterface
public interface CallerSpend {

  /**
   * @param caller as cost records name it: {@code key:<key id>} or {@code jwt:<subject>}
   */
  BigDecimal spentThisMonthBy(String caller);
}
