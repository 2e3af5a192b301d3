package dev.modelyard.infra.security;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What a new key's row holds; the caller has hashed the key already. */
public record NewApiKey(
    String name,
    String keyPrefix,
    String keyHash,
    List<String> roles,
    Integer rateLimitRequests,
    BigDecimal monthlyBudgetUsd,
    Instant expiresAt) {

  public NewApiKey {
    roles = List.copyOf(roles);
  }
}
