package dev.modelyard.api.costs;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * What was spent from {@code from} (inclusive) to {@code to} (exclusive), by day (UTC), model,
 * provider and kind, in US dollars.
 */
record CostReport(
    Instant from,
    Instant to,
    String priceTableVersion,
    CloudEquivalent cloudEquivalent,
    BigDecimal localHourlyRateUsd,
    Totals totals,
    List<Row> rows) {

  /** The cloud model that local traffic is compared with, and its list prices per million. */
  record CloudEquivalent(
      String provider, String model, BigDecimal inputPerMillion, BigDecimal outputPerMillion) {}

  /**
   * @param kind {@code cloud} or {@code local}
   * @param costUsd what the ledger charged: cloud calls at list price, local ones nothing
   * @param localComputeUsd a local row's compute time at the configured hourly rate
   * @param cloudEquivalentUsd what the same tokens cost (or would have cost) in the cloud
   */
  record Row(
      LocalDate day,
      String model,
      String provider,
      String kind,
      long requests,
      long promptTokens,
      long completionTokens,
      BigDecimal computeSeconds,
      BigDecimal costUsd,
      BigDecimal localComputeUsd,
      BigDecimal cloudEquivalentUsd) {}

  /**
   * @param localCloudEquivalentUsd what the local traffic would have cost on the cloud equivalent:
   *     the saving, less {@code localComputeUsd}
   */
  record Totals(
      long requests,
      BigDecimal costUsd,
      BigDecimal localComputeUsd,
      BigDecimal cloudEquivalentUsd,
      BigDecimal localCloudEquivalentUsd) {

    static Totals of(List<Row> rows) {
      return new Totals(
          rows.stream().mapToLong(Row::requests).sum(),
          sum(rows, Row::costUsd),
          sum(rows, Row::localComputeUsd),
          sum(rows, Row::cloudEquivalentUsd),
          sum(
              rows.stream().filter(row -> "local".equals(row.kind())).toList(),
              Row::cloudEquivalentUsd));
    }

    private static BigDecimal sum(List<Row> rows, Function<Row, BigDecimal> amount) {
      return rows.stream().map(amount).reduce(BigDecimal.ZERO.setScale(6), BigDecimal::add);
    }
  }
}
