package dev.modelyard.infra.costs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** MONTHLY_COST_LIMIT over a real ledger on the test PostgreSQL. */
class MonthlyBudgetTests extends LedgerOnFreshSchema {

  @Test
  void cloudCallsAreRefusedOnceTheLimitIsReachedWithAClearMessage() {
    MonthlyBudget budget = new MonthlyBudget(limit("5.00"), ledger, clock);
    spend("4.99");
    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isTrue();

    spend("0.01");

    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isFalse();
    assertThat(budget.refusal(CostRecord.Kind.CLOUD))
        .contains("monthly cost limit of $5.00 reached: $5.00 spent since 2025-03-01 (UTC)");
    assertThat(budget.allows(CostRecord.Kind.LOCAL)).as("local models cost nothing").isTrue();
  }

  @Test
  void inScopeAllTrafficAReachedLimitStopsLocalModelsToo() {
    MonthlyBudget budget =
        new MonthlyBudget(
            new CostSettings(true, new BigDecimal("1"), CostSettings.LimitScope.ALL_TRAFFIC),
            ledger,
            clock);
    spend("1.0042");

    assertThat(budget.refusal(CostRecord.Kind.LOCAL))
        .contains("monthly cost limit of $1.00 reached: $1.0042 spent since 2025-03-01 (UTC)");
    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isFalse();
  }

  @Test
  void withoutALimitEverythingIsAllowed() {
    MonthlyBudget budget = new MonthlyBudget(new CostSettings(true, null, null), ledger, clock);
    spend("100000");

    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isTrue();
    assertThat(budget.refusal(CostRecord.Kind.CLOUD)).isEmpty();
  }

  @Test
  void aNewMonthLiftsTheRefusal() {
    MonthlyBudget budget = new MonthlyBudget(limit("5"), ledger, clock);
    spend("7.50");
    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isFalse();

    clock.set(Instant.parse("2025-04-01T00:00:00Z"));

    assertThat(budget.allows(CostRecord.Kind.CLOUD)).isTrue();
  }

  private void spend(String dollars) {
    ledger.record(
        new CostRecord(
            clock.instant(),
            null,
            "gpt-4o",
            "openai",
            CostRecord.Kind.CLOUD,
            0,
            0,
            BigDecimal.ZERO,
            new BigDecimal(dollars),
            new BigDecimal(dollars),
            PriceTable.STANDARD.version()));
  }

  private static CostSettings limit(String dollars) {
    return new CostSettings(true, new BigDecimal(dollars), null);
  }
}
