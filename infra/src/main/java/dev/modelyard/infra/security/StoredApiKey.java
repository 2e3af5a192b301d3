package dev.modelyard.infra.security;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An API key as stored: never the key itself, only its SHA-256 ({@code keyHash}) and the first
 * characters ({@code keyPrefix}) that let a person tell their keys apart.
 *
 * @param rateLimitRequests requests per rate-limit window for this key; null: the default limit
 * @param monthlyBudgetUsd spend allowed per calendar month; null: no budget of its own
 * @param expiresAt null: never expires
 */
public record StoredApiKey(
    String keyId,
    String name,
    String keyPrefix,
    String keyHash,
    List<String> roles,
    Integer rateLimitRequests,
    BigDecimal monthlyBudgetUsd,
    Instant expiresAt,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  public StoredApiKey {
    roles = List.copyOf(roles);
  }

  /** Whether the key lets its holder in at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
