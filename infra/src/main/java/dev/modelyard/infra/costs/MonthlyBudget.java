package dev.modelyard.infra.costs;

import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;

/**
 * MONTHLY_COST_LIMIT: once this month's spend reaches it, cloud fallbacks stop (and, in scope
 * {@link CostSettings.LimitScope#ALL_TRAFFIC}, every generation does) until the month ends. It asks
 * {@link MonthlySpend}, which answers from memory, so the check costs the request nothing.
 */
public final class MonthlyBudget {

  private final BigDecimal limit;
  private final MonthlySpend spend;
  private final Clock clock;
  private final CostSettings.LimitScope scope;

  public MonthlyBudget(CostSettings settings, MonthlySpend spend, Clock clock) {
    this.limit = settings.monthlyLimit();
    this.spend = spend;
    this.clock = clock;
    this.scope = settings.limitScope();
  }

  public boolean allows(CostRecord.Kind kind) {
    return refusal(kind).isEmpty();
  }

  /**
   * Why a request of this kind may not run now, e.g. "monthly cost limit of $50.00 reached: $50.02
   * spent since 2025-03-01 (UTC)"; empty when it may.
   */
  public Optional<String> refusal(CostRecord.Kind kind) {
    if (limit == null
        || (kind == CostRecord.Kind.LOCAL && scope == CostSettings.LimitScope.CLOUD_FALLBACKS)) {
      return Optional.empty();
    }
    BigDecimal spent = spend.spentThisMonth();
    if (spent.compareTo(limit) < 0) {
      return Optional.empty();
    }
    return Optional.of(reached(spent));
  }

  /** MONTHLY_COST_LIMIT in dollars; null: none. */
  public BigDecimal limit() {
    return limit;
  }

  /** Why nothing more may be spent, given a spend at or past the limit counted elsewhere. */
  public String reached(BigDecimal spent) {
    return "monthly cost limit of $"
        + Dollars.format(limit)
        + " reached: $"
        + Dollars.format(spent)
        + " spent since "
        + Dollars.firstOfMonth(clock)
        + " (UTC)";
  }
}
