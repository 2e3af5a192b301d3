package dev.modelyard.api.security;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;

/**
 * A new API key: a name for people, its roles, and optionally its own rate limit (requests per
 * RATE_LIMIT_WINDOW), its own monthly budget in US dollars and when it expires.
 */
record KeyRequest(
    @NotBlank @Size(max = 100) String name,
    @NotEmpty Set<@NotNull Role> roles,
    @Min(1) @Max(1_000_000_000) Integer rateLimitRequests,
    @DecimalMin("0") @Digits(integer = 8, fraction = 4) BigDecimal monthlyBudgetUsd,
    Instant expiresAt) {

  static KeyRequest firstAdmin() {
    return new KeyRequest("first admin key", Set.of(Role.ADMIN), null, null, null);
  }

  static KeyRequest fromEnvironment() {
    return new KeyRequest("MODELYARD_ADMIN_KEY", Set.of(Role.ADMIN), null, null, null);
  }
}
