package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.BudgetExhaustedException;
import dev.modelyard.infra.costs.CostLedger;
import dev.modelyard.infra.costs.CostRecord;
import dev.modelyard.infra.costs.MonthlyBudget;
import dev.modelyard.infra.costs.PriceTable;
import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Prices each served request and keeps MONTHLY_COST_LIMIT. Both read memory only: the ledger writes
 * its rows in the background and answers the month's spend from what it holds.
 */
final class CostAccounting {

  private final PriceTable prices;
  private final CostLedger ledger;
  private final MonthlyBudget budget;
  private final Clock clock;
  private final boolean tracking;

  CostAccounting(PriceTable prices, CostLedger ledger, CostSettings settings, Clock clock) {
    this.prices = prices;
    this.ledger = ledger;
    this.budget = new MonthlyBudget(settings, ledger, clock);
    this.clock = clock;
    this.tracking = settings.trackingEnabled();
  }

  /** Refuses every generation when the limit is reached and its scope is all traffic. */
  void checkLocalAllowed() {
    budget
        .refusal(CostRecord.Kind.LOCAL)
        .ifPresent(
            reason -> {
              throw new BudgetExhaustedException(reason);
            });
  }

  /** Why a cloud fallback may not run now; empty when it may. */
  Optional<String> cloudRefusal() {
    return budget.refusal(CostRecord.Kind.CLOUD);
  }

  /**
   * Records what a served request cost, answering its cost in dollars.
   *
   * @param caller the authenticated caller ({@code key:<id>} or {@code jwt:<sub>}), or null
   */
  BigDecimal record(
      String caller, String provider, String model, boolean cloud, Usage usage, Duration compute) {
    CostRecord record =
        cloud
            ? prices.cloud(clock.instant(), caller, provider, model, usage)
            : prices.local(clock.instant(), caller, provider, model, usage, compute);
    if (tracking || cloud) {
      // A cloud call is always counted: the limit must hold even with tracking off.
      ledger.record(record);
    }
    return record.costUsd();
  }
}
