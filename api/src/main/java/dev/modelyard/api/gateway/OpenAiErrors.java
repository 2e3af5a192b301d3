package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.ApiException;
import dev.modelyard.api.errors.BudgetExhaustedException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the OpenAI-compatible endpoints in OpenAI's own format, which its SDKs parse. */
@RestControllerAdvice(assignableTypes = OpenAiController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenAiErrors {

  @ExceptionHandler(OpenAiRequestException.class)
  ResponseEntity<ErrorBody> invalid(OpenAiRequestException e) {
    return body(HttpStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", e.param());
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ErrorBody> api(ApiException e) {
    String type =
        switch (e) {
          case BudgetExhaustedException budget -> "insufficient_quota";
          default ->
              e.status().is5xxServerError() ? "service_unavailable" : "invalid_request_error";
        };
    return body(e.status(), e.getMessage(), type, null);
  }

  @ExceptionHandler(Gateway.UpstreamRejectedException.class)
  ResponseEntity<ErrorBody> rejected(Gateway.UpstreamRejectedException e) {
    return body(HttpStatus.valueOf(e.status()), e.getMessage(), "invalid_request_error", null);
  }

  private static ResponseEntity<ErrorBody> body(
      HttpStatus status, String message, String type, String param) {
    return ResponseEntity.status(status)
        .body(new ErrorBody(new ErrorBody.Error(message, type, param, null)));
  }

  record ErrorBody(Error error) {
    record Error(String message, String type, String param, String code) {}
  }
}
