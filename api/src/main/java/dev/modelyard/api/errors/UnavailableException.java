package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/** A dependency (Temporal, a model instance) cannot serve the request right now. */
public final class UnavailableException extends ApiException {

  public UnavailableException(String message, Throwable cause) {
    super(HttpStatus.SERVICE_UNAVAILABLE, message, cause);
  }
}
