package dev.modelyard.infra.costs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Costs from reported token counts and the standard price table. */
class PriceTableTests {

  private static final Instant AT = Instant.parse("2025-03-15T12:00:00Z");
  private final PriceTable table = PriceTable.STANDARD;

  @Test
  void anOpenAiCallIsPricedFromItsTokens() {
    CostRecord cost = table.cloud(AT, "team-a", "openai", "gpt-4o-mini", new Usage(1000, 500));

    // 1000 × $0.15/M + 500 × $0.60/M
    assertThat(cost.costUsd()).isEqualByComparingTo("0.000450");
    assertThat(cost.kind()).isEqualTo(CostRecord.Kind.CLOUD);
    assertThat(cost.cloudEquivalentUsd()).isEqualByComparingTo(cost.costUsd());
    assertThat(cost.priceTableVersion()).isEqualTo(table.version());
    assertThat(cost.caller()).isEqualTo("team-a");
  }

  @Test
  void anAnthropicCallIsPricedUnderItsDatedModelName() {
    CostRecord cost =
        table.cloud(AT, null, "anthropic", "claude-sonnet-4-5-20250929", new Usage(21, 10));

    // 21 × $3/M + 10 × $15/M
    assertThat(cost.costUsd()).isEqualByComparingTo("0.000213");
    assertThat(cost.promptTokens()).isEqualTo(21);
    assertThat(cost.completionTokens()).isEqualTo(10);
  }

  @Test
  void aGoogleCallIsPricedAndRoundedToTheColumnsPrecision() {
    CostRecord cost = table.cloud(AT, null, "google", "gemini-2.5-flash", new Usage(12, 32));

    // 12 × $0.30/M + 32 × $2.50/M = 0.0000836
    assertThat(cost.costUsd()).isEqualTo(new BigDecimal("0.000084"));
  }

  @Test
  void theLongestMatchingNamePricesAModel() {
    assertThat(table.find("openai", "gpt-4o-mini-2024-07-18"))
        .get()
        .extracting(ModelPrice::model)
        .isEqualTo("gpt-4o-mini");
    assertThat(table.find("openai", "gpt-4o-2024-08-06"))
        .get()
        .extracting(ModelPrice::model)
        .isEqualTo("gpt-4o");
    assertThat(table.find("google", "gemini-2.5-flash-lite"))
        .get()
        .extracting(ModelPrice::model)
        .isEqualTo("gemini-2.5-flash-lite");
    assertThat(table.find("openai", "gpt-4oz")).isEmpty();
    assertThat(table.find("anthropic", "gpt-4o")).isEmpty();
  }

  @Test
  void anUnlistedModelIsChargedAtItsProvidersDearestPrice() {
    assertThat(table.priceOf("anthropic", "claude-next").model()).isEqualTo("claude-opus-4-1");
    assertThat(table.priceOf("openai", "gpt-unknown").outputPerMillion())
        .isEqualByComparingTo("10.00");
    assertThat(table.cloud(AT, null, "someone-new", "x", new Usage(1_000_000, 0)).costUsd())
        .isEqualByComparingTo("15.00");
  }

  @Test
  void aLocalModelCostsNothingAndRecordsItsComputeTime() {
    CostRecord cost =
        table.local(AT, "team-a", "local_gguf", "tiny", new Usage(28, 16), Duration.ofMillis(1234));

    assertThat(cost.kind()).isEqualTo(CostRecord.Kind.LOCAL);
    assertThat(cost.kind().column()).isEqualTo("local");
    assertThat(cost.costUsd()).isEqualByComparingTo("0");
    assertThat(cost.computeSeconds()).isEqualByComparingTo("1.234");
    assertThat(cost.cloudEquivalentUsd()).isNull();
  }
}
