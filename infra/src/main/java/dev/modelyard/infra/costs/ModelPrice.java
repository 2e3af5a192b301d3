package dev.modelyard.infra.costs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A cloud model's list price.
 *
 * @param provider {@code openai}, {@code anthropic} or {@code google}, as cloud adapters name
 *     themselves
 * @param model the model name, which also prices its dated versions ({@code gpt-4o} prices {@code
 *     gpt-4o-2024-08-06})
 * @param inputPerMillion US dollars per million prompt tokens
 * @param outputPerMillion US dollars per million completion tokens
 */
public record ModelPrice(
    String provider, String model, BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

  /** The precision of {@code cost_records.cost_usd}. */
  static final int SCALE = 6;

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public ModelPrice {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    if (inputPerMillion == null || inputPerMillion.signum() < 0) {
      throw new IllegalArgumentException(
          model + ": input price must be ≥ 0, was " + inputPerMillion);
    }
    if (outputPerMillion == null || outputPerMillion.signum() < 0) {
      throw new IllegalArgumentException(
          model + ": output price must be ≥ 0, was " + outputPerMillion);
    }
  }

  static ModelPrice of(String provider, String model, String input, String output) {
    return new ModelPrice(provider, model, new BigDecimal(input), new BigDecimal(output));
  }

  public BigDecimal cost(Usage usage) {
    return cost(usage.promptTokens(), usage.completionTokens());
  }

  /** The cost of token counts summed over many requests, which need not fit an int. */
  public BigDecimal cost(long promptTokens, long completionTokens) {
    return inputPerMillion
        .multiply(BigDecimal.valueOf(promptTokens))
        .add(outputPerMillion.multiply(BigDecimal.valueOf(completionTokens)))
        .divide(MILLION, SCALE, RoundingMode.HALF_UP);
  }

  /** Whether this price is for the model: the same name, or a dated or suffixed version of it. */
  boolean matches(String provider, String requested) {
    return this.provider.equals(provider)
        && (requested.equals(model) || requested.startsWith(model + "-"));
  }
}
