package dev.modelyard.infra.costs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A key's own monthly budget over a real ledger on the test PostgreSQL. */
class KeyBudgetsTests extends LedgerOnFreshSchema {

  private static final String CI = "key:ci-id";
  private static final String OTHER = "key:other-id";

  @Test
  void aKeysCloudCallsAreRefusedOnceItsOwnSpendReachesItsBudgetWithAClearMessage() {
    KeyBudgets budgets = budgets(CostSettings.LimitScope.CLOUD_FALLBACKS);
    spend(CI, "4.99");
    assertThat(budgets.refusal(CI, "ci", new BigDecimal("5"), CostRecord.Kind.CLOUD)).isEmpty();

    spend(CI, "0.0142");

    assertThat(budgets.refusal(CI, "ci", new BigDecimal("5"), CostRecord.Kind.CLOUD))
        .contains(
            "API key 'ci' reached its monthly budget of $5.00: $5.0042 spent since 2025-03-01"
                + " (UTC)");
    assertThat(budgets.refusal(CI, "ci", new BigDecimal("5"), CostRecord.Kind.LOCAL))
        .as("local models cost nothing, as under MONTHLY_COST_LIMIT's default scope")
        .isEmpty();
  }

  @Test
  void anotherKeysSpendDoesNotCountAgainstABudget() {
    KeyBudgets budgets = budgets(CostSettings.LimitScope.CLOUD_FALLBACKS);
    spend(OTHER, "100");
    spend(null, "100");

    assertThat(budgets.refusal(CI, "ci", new BigDecimal("1"), CostRecord.Kind.CLOUD)).isEmpty();
    assertThat(budgets.refusal(OTHER, "other", new BigDecimal("1"), CostRecord.Kind.CLOUD))
        .isPresent();
  }

  @Test
  void inScopeAllTrafficAReachedBudgetStopsTheKeysLocalRequestsToo() {
    KeyBudgets budgets = budgets(CostSettings.LimitScope.ALL_TRAFFIC);
    spend(CI, "1");

    assertThat(budgets.refusal(CI, "ci", BigDecimal.ONE, CostRecord.Kind.LOCAL))
        .contains(
            "API key 'ci' reached its monthly budget of $1.00: $1.00 spent since 2025-03-01"
                + " (UTC)");
  }

  @Test
  void aKeyWithoutABudgetIsNeverRefusedAndABudgetOfZeroAllowsNoCloudCall() {
    KeyBudgets budgets = budgets(CostSettings.LimitScope.ALL_TRAFFIC);
    spend(CI, "1000");

    assertThat(budgets.refusal(CI, "ci", null, CostRecord.Kind.CLOUD)).isEmpty();
    assertThat(budgets.refusal(OTHER, "other", BigDecimal.ZERO, CostRecord.Kind.CLOUD))
        .contains(
            "API key 'other' reached its monthly budget of $0.00: $0.00 spent since"
                + " 2025-03-01 (UTC)");
  }

  @Test
  void aNewMonthLiftsTheRefusal() {
    KeyBudgets budgets = budgets(CostSettings.LimitScope.CLOUD_FALLBACKS);
    spend(CI, "7.50");
    assertThat(budgets.refusal(CI, "ci", new BigDecimal("5"), CostRecord.Kind.CLOUD)).isPresent();

    clock.set(Instant.parse("2025-04-01T00:00:00Z"));

    assertThat(budgets.refusal(CI, "ci", new BigDecimal("5"), CostRecord.Kind.CLOUD)).isEmpty();
  }

  @Test
  void aKeysSpendOnAnotherReplicaCountsHereAfterTheNextRefresh() throws Exception {
    try (CostLedger here =
        new CostLedger(database.dataSource, clock, Duration.ofMillis(100), 100)) {
      here.start();
      KeyBudgets budgets =
          new KeyBudgets(
              new CostSettings(true, null, CostSettings.LimitScope.CLOUD_FALLBACKS), here, clock);
      assertThat(budgets.refusal(CI, "ci", new BigDecimal("2"), CostRecord.Kind.CLOUD)).isEmpty();

      spend(ledger, CI, "2"); // the other replica's ledger
      assertThat(ledger.flush(Duration.ofSeconds(10))).isTrue();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (budgets.refusal(CI, "ci", new BigDecimal("2"), CostRecord.Kind.CLOUD).isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(budgets.refusal(CI, "ci", new BigDecimal("2"), CostRecord.Kind.CLOUD)).isPresent();
    }
  }

  private KeyBudgets budgets(CostSettings.LimitScope scope) {
    return new KeyBudgets(new CostSettings(true, null, scope), ledger, clock);
  }

  private void spend(String caller, String dollars) {
    spend(ledger, caller, dollars);
  }

  private void spend(CostLedger to, String caller, String dollars) {
    to.record(
        new CostRecord(
            clock.instant(),
            caller,
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
}
