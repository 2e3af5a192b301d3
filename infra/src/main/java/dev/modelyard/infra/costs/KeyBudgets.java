package dev.modelyard.infra.costs;

import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key's own {@code monthly_budget_usd}, kept as MONTHLY_COST_LIMIT is kept but over that
 * key's spend alone: once the key's spend this month (UTC) reaches its budget, its cloud fallbacks
 * stop (and, in scope {@link CostSettings.LimitScope#ALL_TRAFFIC}, all its generations) until the
 * month ends; other callers go on. Its spend is what its cost records add up to, the same sum the
 * limit takes over everyone: cloud calls at their price, local ones at $0. It asks {@link
 * CallerSpend}, which answers from memory, so the check costs the request nothing.
 */
public final class KeyBudgets {

  private final CallerSpend spend;
  private final Clock clock;
  private final CostSettings.LimitScope scope;

  public KeyBudgets(CostSettings settings, CallerSpend spend, Clock clock) {
    this.spend = spend;
    this.clock = clock;
    this.scope = settings.limitScope();
  }

  /**
   * Why this caller may not run a request of this kind now, e.g. "API key 'ci' reached its monthly
   * budget of $5.00: $5.02 spent since 2025-03-01 (UTC)"; empty when it may.
   *
   * @param callerId as cost records name the caller ({@code key:<key id>})
   * @param name the key's name, which the message shows (never the key)
   * @param budget the key's monthly budget in dollars; null: none of its own
   */
  public Optional<String> refusal(
      String callerId, String name, BigDecimal budget, CostRecord.Kind kind) {
    if (budget == null
        || (kind == CostRecord.Kind.LOCAL && scope == CostSettings.LimitScope.CLOUD_FALLBACKS)) {
      return Optional.empty();
    }
    BigDecimal spent = spend.spentThisMonthBy(Objects.requireNonNull(callerId, "callerId"));
    if (spent.compareTo(budget) < 0) {
      return Optional.empty();
    }
    return Optional.of(reached(name, budget, spent));
  }

  /** Why the key may spend no more, given a spend at or past its budget counted elsewhere. */
  public String reached(String name, BigDecimal budget, BigDecimal spent) {
    return "API key '"
        + name
        + "' reached its monthly budget of $"
        + Dollars.format(budget)
        + ": $"
        + Dollars.format(spent)
        + " spent since "
        + Dollars.firstOfMonth(clock)
        + " (UTC)";
  }
}
