package dev.modelyard.api.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.infra.costs.CostLedger;
import dev.modelyard.infra.costs.CostRecord;
import dev.modelyard.infra.costs.PriceTable;
import dev.modelyard.infra.costs.Usage;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost report over a scripted mix of cloud and local calls, written by the real cost ledger as
 * the gateway writes them, against a computation by hand. Prices (per million tokens, table
 * 2025-10): gpt-4o-mini 0.15 in / 0.60 out, claude-sonnet-4-5 3 / 15, gemini-2.5-flash 0.30 / 2.50;
 * local compute at $1.80 an hour; local traffic compared with gpt-4o-mini.
 */
class CostReportTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final PriceTable PRICES = PriceTable.STANDARD;
  private static final Instant MARCH_1 = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant MARCH_2 = Instant.parse("2025-03-02T23:59:59Z");
  private static final Instant MARCH_3 = Instant.parse("2025-03-03T00:00:00Z");
  private static final Instant MARCH_10 = Instant.parse("2025-03-10T12:00:00Z");

  private static ApiProcess api;

  @BeforeAll
  static void start() throws Exception {
    api =
        ApiProcess.start(
            "cost_report_" + RUN, false, "modelyard.costs.report.local-hourly-rate=1.80");
    CostLedger ledger =
        new CostLedger(api.bean(DataSource.class), Clock.fixed(MARCH_1, ZoneOffset.UTC));
    ledger.start();
    // 2025-03-01
    ledger.record(PRICES.cloud(MARCH_1, "a", "openai", "gpt-4o-mini-2024-07-18", usage(1000, 500)));
    ledger.record(
        PRICES.cloud(MARCH_1, "a", "openai", "gpt-4o-mini-2024-07-18", usage(2000, 1000)));
    ledger.record(
        PRICES.cloud(MARCH_1, "b", "anthropic", "claude-sonnet-4-5", usage(10_000, 2000)));
    ledger.record(local(MARCH_1, "local_gguf", "tiny", 100, 50, 2));
    ledger.record(local(MARCH_1, "local_gguf", "tiny", 200, 100, 4));
    ledger.record(local(MARCH_1, "local_gguf", "tiny", 300, 150, 6));
    // 2025-03-02
    ledger.record(local(MARCH_2, "local_ollama", "llama3", 1_000_000, 500_000, 3600));
    ledger.record(PRICES.cloud(MARCH_2, "b", "google", "gemini-2.5-flash", usage(4000, 1000)));
    // 2025-03-03: outside the report
    ledger.record(local(MARCH_3, "local_gguf", "tiny", 999, 999, 999));
    assertThat(ledger.flush(Duration.ofSeconds(10))).isTrue();
    // 2025-03-10, reported alone: two rows (two batches) whose tokens add up past an int.
    for (int i = 0; i < 2; i++) {
      ledger.record(local(MARCH_10, "local_gguf", "busy", 2_000_000_000, 1, 1));
      assertThat(ledger.flush(Duration.ofSeconds(10))).isTrue();
    }
    ledger.close();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void theReportByDayModelAndProviderMatchesAHandComputation() throws Exception {
    JsonNode report = costs("from=2025-03-01&to=2025-03-02");

    assertThat(report.get("from").asString()).isEqualTo("2025-03-01T00:00:00Z");
    assertThat(report.get("to").asString()).isEqualTo("2025-03-03T00:00:00Z");
    assertThat(report.get("cloud_equivalent").get("model").asString()).isEqualTo("gpt-4o-mini");
    JsonNode rows = report.get("rows");
    assertThat(rows).hasSize(5);
    // Ordered by day, provider, model.
    row(
        rows.get(0),
        "2025-03-01",
        "anthropic",
        "claude-sonnet-4-5",
        "cloud",
        1,
        "0.060000",
        "0",
        "0.060000");
    row(rows.get(1), "2025-03-01", "local_gguf", "tiny", "local", 3, "0", "0.006000", "0.000270");
    row(
        rows.get(2),
        "2025-03-01",
        "openai",
        "gpt-4o-mini-2024-07-18",
        "cloud",
        2,
        "0.001350",
        "0",
        "0.001350");
    row(
        rows.get(3),
        "2025-03-02",
        "google",
        "gemini-2.5-flash",
        "cloud",
        1,
        "0.003700",
        "0",
        "0.003700");
    row(
        rows.get(4),
        "2025-03-02",
        "local_ollama",
        "llama3",
        "local",
        1,
        "0",
        "1.800000",
        "0.450000");
    assertThat(rows.get(1).get("prompt_tokens").asLong()).isEqualTo(600);
    assertThat(rows.get(1).get("completion_tokens").asLong()).isEqualTo(300);
    assertThat(rows.get(1).get("compute_seconds").decimalValue()).isEqualByComparingTo("12");

    JsonNode totals = report.get("totals");
    assertThat(totals.get("requests").asLong()).isEqualTo(8);
    assertThat(totals.get("cost_usd").decimalValue()).isEqualByComparingTo("0.06505");
    assertThat(totals.get("local_compute_usd").decimalValue()).isEqualByComparingTo("1.806");
    assertThat(totals.get("cloud_equivalent_usd").decimalValue()).isEqualByComparingTo("0.51532");
    assertThat(totals.get("local_cloud_equivalent_usd").decimalValue())
        .isEqualByComparingTo("0.45027");
  }

  @Test
  void instantsBoundTheReportExactly() throws Exception {
    JsonNode report = costs("from=2025-03-02T00:00:00Z&to=2025-03-03T00:00:00Z");

    assertThat(report.get("totals").get("requests").asLong()).isEqualTo(2);
  }

  @Test
  void tokensAddingUpPastAnIntAreReportedWhole() throws Exception {
    JsonNode rows = costs("from=2025-03-10&to=2025-03-10").get("rows");

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("requests").asLong()).isEqualTo(2);
    assertThat(rows.get(0).get("prompt_tokens").asLong()).isEqualTo(4_000_000_000L);
    // 4,000 million tokens in at gpt-4o-mini's $0.15 a million, and two out.
    assertThat(rows.get(0).get("cloud_equivalent_usd").decimalValue())
        .isCloseTo(new BigDecimal("600"), within(new BigDecimal("0.01")));
  }

  @Test
  void aCalendarYearIsOneReport() throws Exception {
    HttpResponse<String> year = api.get("/api/v1/local-llm/costs?from=2024-01-01&to=2024-12-31");

    assertThat(year.statusCode()).as(year.body()).isEqualTo(200);
  }

  @Test
  void badBoundsAreProblemsNamingTheField() throws Exception {
    for (String[] bad :
        new String[][] {
          {"from=March", "from"},
          {"to=2025-02-30", "to"},
          {"from=2025-03-02&to=2025-03-01", "to"},
          {"to=%2B300000-01-01T00:00:00Z", "to"},
          {"from=2999-01-01", "from"},
          {"from=0001-01-01&to=9999-12-30", "to"},
          {"from=2024-01-01&to=2025-01-02", "to"}
        }) {
      HttpResponse<String> response = api.get("/api/v1/local-llm/costs?" + bad[0]);
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("field").asString())
          .as(bad[0])
          .isEqualTo(bad[1]);
    }
  }

  private static void row(
      JsonNode row,
      String day,
      String provider,
      String model,
      String kind,
      long requests,
      String cost,
      String compute,
      String equivalent) {
    assertThat(row.get("day").asString()).isEqualTo(day);
    assertThat(row.get("provider").asString()).isEqualTo(provider);
    assertThat(row.get("model").asString()).isEqualTo(model);
    assertThat(row.get("kind").asString()).isEqualTo(kind);
    assertThat(row.get("requests").asLong()).isEqualTo(requests);
    assertThat(row.get("cost_usd").decimalValue()).as(model).isEqualByComparingTo(cost);
    assertThat(row.get("local_compute_usd").decimalValue()).as(model).isEqualByComparingTo(compute);
    assertThat(row.get("cloud_equivalent_usd").decimalValue())
        .as(model)
        .isEqualByComparingTo(equivalent);
  }

  private static JsonNode costs(String query) throws Exception {
    HttpResponse<String> response = api.get("/api/v1/local-llm/costs?" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static CostRecord local(
      Instant at, String provider, String model, int prompt, int completion, int seconds) {
    return PRICES.local(
        at, "c", provider, model, usage(prompt, completion), Duration.ofSeconds(seconds));
  }

  private static Usage usage(int prompt, int completion) {
    return new Usage(prompt, completion);
  }
}
