package dev.modelyard.api.security;

import dev.modelyard.infra.security.StoredApiKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A key as listed: everything but the key, of which only its first characters are shown. */
record KeyView(
    String keyId,
    String name,
    String keyPrefix,
    List<String> roles,
    Integer rateLimitRequests,
    BigDecimal monthlyBudgetUsd,
    Instant expiresAt,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  static KeyView of(StoredApiKey key) {
    return new KeyView(
        key.keyId(),
        key.name(),
        key.keyPrefix(),
        key.roles(),
        key.rateLimitRequests(),
        key.monthlyBudgetUsd(),
        key.expiresAt(),
        key.createdAt(),
        key.lastUsedAt(),
        key.revokedAt());
  }
}
