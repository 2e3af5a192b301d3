package dev.modelyard.api.costs;

import dev.modelyard.infra.costs.ModelPrice;
import dev.modelyard.infra.costs.PriceTable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sums {@code cost_records} by day (UTC), model, provider and kind. A cloud row's cloud equivalent
 * is its own cost; a local row's, where the ledger left it unpriced, is its tokens at the
 * configured cloud model's list price, priced once per group. A local row's compute time is charged
 * at the configured hourly rate.
 */
final class CostReports {

  private static final int SCALE = 6;
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private static final String BY_DAY =
      """
      select (occurred_at at time zone 'UTC')::date as day, model, provider, kind,
          sum(requests) as requests,
          coalesce(sum(prompt_tokens), 0) as prompt_tokens,
          coalesce(sum(completion_tokens), 0) as completion_tokens,
          coalesce(sum(compute_seconds), 0) as compute_seconds,
          coalesce(sum(cost_usd), 0) as cost_usd,
          coalesce(sum(cloud_equivalent_usd), 0) as priced_equivalent_usd,
          coalesce(sum(prompt_tokens) filter (where cloud_equivalent_usd is null), 0)
              as unpriced_prompt_tokens,
          coalesce(sum(completion_tokens) filter (where cloud_equivalent_usd is null), 0)
              as unpriced_completion_tokens
      from cost_records
      where occurred_at >= :from and occurred_at < :to
      group by 1, model, provider, kind
      order by 1, provider, model, kind
      """;

  private final JdbcClient jdbc;
  private final CostReportSettings settings;

  CostReports(JdbcClient jdbc, CostReportSettings settings) {
    this.jdbc = jdbc;
    this.settings = settings;
  }

  CostReport report(Instant from, Instant to) {
    ModelPrice reference = settings.cloudEquivalentPrice();
    List<CostReport.Row> rows =
        jdbc.sql(BY_DAY)
            .param("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
            .param("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
            .query((rs, n) -> row(rs, reference))
            .list();
    return new CostReport(
        from,
        to,
        PriceTable.STANDARD.version(),
        new CostReport.CloudEquivalent(
            reference.provider(),
            reference.model(),
            reference.inputPerMillion(),
            reference.outputPerMillion()),
        settings.localHourlyRate(),
        CostReport.Totals.of(rows),
        rows);
  }

  private CostReport.Row row(ResultSet rs, ModelPrice reference) throws SQLException {
    String kind = rs.getString("kind");
    BigDecimal computeSeconds = rs.getBigDecimal("compute_seconds");
    BigDecimal unpricedEquivalent =
        reference.cost(
            rs.getLong("unpriced_prompt_tokens"), rs.getLong("unpriced_completion_tokens"));
    BigDecimal localCompute =
        "local".equals(kind)
            ? computeSeconds
                .multiply(settings.localHourlyRate())
                .divide(SECONDS_PER_HOUR, SCALE, RoundingMode.HALF_UP)
            : BigDecimal.ZERO.setScale(SCALE);
    return new CostReport.Row(
        rs.getObject("day", LocalDate.class),
        rs.getString("model"),
        rs.getString("provider"),
        kind,
        rs.getLong("requests"),
        rs.getLong("prompt_tokens"),
        rs.getLong("completion_tokens"),
        computeSeconds,
        rs.getBigDecimal("cost_usd").setScale(SCALE, RoundingMode.HALF_UP),
        localCompute,
        rs.getBigDecimal("priced_equivalent_usd")
            .add(unpricedEquivalent)
            .setScale(SCALE, RoundingMode.HALF_UP));
  }
}
