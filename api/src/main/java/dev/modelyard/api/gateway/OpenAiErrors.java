package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.ApiException;
import dev.modelyard.api.errors.BudgetExhaustedException;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.OpenAiErrorBody;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the OpenAI-compatible endpoints in OpenAI's own format, which its SDKs parse. */
@RestControllerAdvice(assignableTypes = OpenAiController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenAiErrors {

  @ExceptionHandler({
    OpenAiRequestException.class,
    ApiException.class,
    Gateway.UpstreamRejectedException.class
  })
  ResponseEntity<OpenAiErrorBody> handle(RuntimeException e) {
    return of(e);
  }

  /** The error answer to one of the gateway's own exceptions; null for any other. */
  static ResponseEntity<OpenAiErrorBody> of(RuntimeException e) {
    return switch (e) {
      case OpenAiRequestException invalid ->
          body(HttpStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", invalid.param());
      case InvalidFieldException invalid ->
          body(HttpStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", invalid.field());
      case BudgetExhaustedException budget ->
          body(budget.status(), e.getMessage(), "insufficient_quota", null);
      case ApiException api ->
          body(
              api.status(),
              e.getMessage(),
              api.status().is5xxServerError() ? "service_unavailable" : "invalid_request_error",
              null);
      case Gateway.UpstreamRejectedException rejected ->
          body(
              HttpStatusCode.valueOf(rejected.status()),
              e.getMessage(),
              "invalid_request_error",
              null);
      default -> null;
    };
  }

  private static ResponseEntity<OpenAiErrorBody> body(
      HttpStatusCode status, String message, String type, String param) {
    return ResponseEntity.status(status).body(OpenAiErrorBody.of(message, type, param, null));
  }
}
