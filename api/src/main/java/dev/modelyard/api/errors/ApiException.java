package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/**
 * The errors the API answers on purpose. Each maps to one status and a problem body in {@link
 * ProblemDetailsAdvice}; anything else is a 500 with no internals in it.
 */
public sealed class ApiException extends RuntimeException
    permits BudgetExhaustedException,
        ConflictException,
        InvalidFieldException,
        NotFoundException,
        PlacementRefusedException,
        UnavailableException {

  private final HttpStatus status;

  ApiException(HttpStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
