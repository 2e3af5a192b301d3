package dev.modelyard.infra.costs;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * What one request cost: a row of {@code cost_records}.
 *
 * @param caller who asked (an API key's name), or null when unauthenticated
 * @param computeSeconds time a local instance spent on it; 0 for cloud calls
 * @param cloudEquivalentUsd what the request cost in the cloud: the cost itself for cloud calls,
 *     null for local ones until a reference price is chosen for them
 * @param priceTableVersion which {@link PriceTable} priced it, so old rows can be explained
 */
public record CostRecord(
    Instant occurredAt,
    String caller,
    String model,
    String provider,
    Kind kind,
    int promptTokens,
    int completionTokens,
    BigDecimal computeSeconds,
    BigDecimal costUsd,
    BigDecimal cloudEquivalentUsd,
    String priceTableVersion) {

  /** The {@code kind} column: only cloud calls cost money. */
  public enum Kind {
    CLOUD("cloud"),
    LOCAL("local");

    private final String column;

    Kind(String column) {
      this.column = column;
    }

    public String column() {
      return column;
    }
  }

  public CostRecord {
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(computeSeconds, "computeSeconds");
    Objects.requireNonNull(costUsd, "costUsd");
  }
}
