package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/**
 * MONTHLY_COST_LIMIT is reached for what the request needs. A 402, not a 429: OpenAI's SDKs retry a
 * 429 by themselves, and retrying cannot help until the month ends or the limit is raised.
 */
public final class BudgetExhaustedException extends ApiException {

  public BudgetExhaustedException(String message) {
    super(HttpStatus.PAYMENT_REQUIRED, message, null);
  }
}
