package dev.modelyard.infra.costs;

import java.math.BigDecimal;

/** What has been spent since the first of the current month (UTC), answered without waiting. */
@FunctionalInterface
public interface MonthlySpend {

  BigDecimal spentThisMonth();
}
