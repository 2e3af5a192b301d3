package dev.modelyard.api.security;

import java.math.BigDecimal;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who made a request, once authenticated. {@code id} names the caller wherever one is counted or
 * recorded (rate limits, costs, audit): {@code key:<key id>} for an API key, {@code jwt:<subject>}
 * for a token; never a secret.
 *
 * @param rateLimitRequests this caller's own requests per rate-limit window; null: the default
 * @param monthlyBudgetUsd this caller's own monthly spend limit; null: none of its own
 */
public record Caller(
    String id,
    String name,
    Set<Role> roles,
    Integer rateLimitRequests,
    BigDecimal monthlyBudgetUsd) {

  /**
   * Where the authenticated caller's name is left on the request, for filters that run outside
   * security's wrapper of it (the audit log records after the whole chain has returned).
   */
  public static final String NAME_ATTRIBUTE = Caller.class.getName() + ".name";

  public Caller {
    roles = Set.copyOf(roles);
  }

  /** The caller behind a request's {@code getUserPrincipal()}, if it was authenticated here. */
  public static Optional<Caller> of(Principal principal) {
    return principal instanceof CallerAuthentication authentication
        ? Optional.of(authentication.caller())
        : Optional.empty();
  }

  /**
   * The caller of the request this thread is serving, as security bound it to the thread for the
   * request's whole chain; empty outside a request or when it was not authenticated here.
   */
  public static Optional<Caller> current() {
    return of(SecurityContextHolder.getContext().getAuthentication());
  }
}
