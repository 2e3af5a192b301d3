package dev.modelyard.infra.costs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * List prices of cloud models, in US dollars per million tokens, under a version that every cost
 * record names. Local models cost nothing here: their records are {@code kind=local}.
 */
public record PriceTable(String version, List<ModelPrice> prices) {

  /** Public list prices (standard tier, text, short prompts) as published in October 2025. */
  public static final PriceTable STANDARD =
      new PriceTable(
          "2025-10",
          List.of(
              ModelPrice.of("openai", "gpt-5", "1.25", "10.00"),
              ModelPrice.of("openai", "gpt-5-mini", "0.25", "2.00"),
              ModelPrice.of("openai", "gpt-5-nano", "0.05", "0.40"),
              ModelPrice.of("openai", "gpt-4.1", "2.00", "8.00"),
              ModelPrice.of("openai", "gpt-4.1-mini", "0.40", "1.60"),
              ModelPrice.of("openai", "gpt-4.1-nano", "0.10", "0.40"),
              ModelPrice.of("openai", "gpt-4o", "2.50", "10.00"),
              ModelPrice.of("openai", "gpt-4o-mini", "0.15", "0.60"),
              ModelPrice.of("openai", "o3", "2.00", "8.00"),
              ModelPrice.of("openai", "o3-mini", "1.10", "4.40"),
              ModelPrice.of("openai", "o4-mini", "1.10", "4.40"),
              ModelPrice.of("openai", "gpt-3.5-turbo", "0.50", "1.50"),
              ModelPrice.of("anthropic", "claude-opus-4-1", "15.00", "75.00"),
              ModelPrice.of("anthropic", "claude-opus-4", "15.00", "75.00"),
              ModelPrice.of("anthropic", "claude-sonnet-4-5", "3.00", "15.00"),
              ModelPrice.of("anthropic", "claude-sonnet-4", "3.00", "15.00"),
              ModelPrice.of("anthropic", "claude-3-7-sonnet", "3.00", "15.00"),
              ModelPrice.of("anthropic", "claude-haiku-4-5", "1.00", "5.00"),
              ModelPrice.of("anthropic", "claude-3-5-haiku", "0.80", "4.00"),
              ModelPrice.of("anthropic", "claude-3-haiku", "0.25", "1.25"),
              ModelPrice.of("google", "gemini-2.5-pro", "1.25", "10.00"),
              ModelPrice.of("google", "gemini-2.5-flash", "0.30", "2.50"),
              ModelPrice.of("google", "gemini-2.5-flash-lite", "0.10", "0.40"),
              ModelPrice.of("google", "gemini-2.0-flash", "0.10", "0.40"),
              ModelPrice.of("google", "gemini-2.0-flash-lite", "0.075", "0.30"),
              ModelPrice.of("google", "gemini-1.5-pro", "1.25", "5.00"),
              ModelPrice.of("google", "gemini-1.5-flash", "0.075", "0.30")));

  public PriceTable {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("a price table needs a version");
    }
    if (prices == null || prices.isEmpty()) {
      throw new IllegalArgumentException("a price table needs prices");
    }
    prices = List.copyOf(prices);
  }

  /**
   * The price of a model. The longest matching name wins, so {@code gpt-4o-mini-2024-07-18} is
   * priced as {@code gpt-4o-mini}, not {@code gpt-4o}.
   */
  public Optional<ModelPrice> find(String provider, String model) {
    return prices.stream()
        .filter(price -> price.matches(provider, model))
        .max(Comparator.comparingInt(price -> price.model().length()));
  }

  /**
   * The price a cloud call is charged at. A model the table does not list is charged at its
   * provider's dearest price (or the table's), so that it can never slip under the budget.
   */
  public ModelPrice priceOf(String provider, String model) {
    Comparator<ModelPrice> byOutput = Comparator.comparing(ModelPrice::outputPerMillion);
    return find(provider, model)
        .or(() -> prices.stream().filter(p -> p.provider().equals(provider)).max(byOutput))
        .orElseGet(() -> prices.stream().max(byOutput).orElseThrow());
  }

  public CostRecord cloud(
      Instant occurredAt, String caller, String provider, String model, Usage usage) {
    BigDecimal cost = priceOf(provider, model).cost(usage);
    return new CostRecord(
        occurredAt,
        caller,
        model,
        provider,
        CostRecord.Kind.CLOUD,
        usage.promptTokens(),
        usage.completionTokens(),
        BigDecimal.ZERO,
        cost,
        cost,
        version);
  }

  public CostRecord local(
      Instant occurredAt,
      String caller,
      String provider,
      String model,
      Usage usage,
      Duration compute) {
    return new CostRecord(
        occurredAt,
        caller,
        model,
        provider,
        CostRecord.Kind.LOCAL,
        usage.promptTokens(),
        usage.completionTokens(),
        BigDecimal.valueOf(compute.toNanos(), 9).setScale(4, RoundingMode.HALF_UP),
        BigDecimal.ZERO.setScale(ModelPrice.SCALE),
        null,
        version);
  }
}
