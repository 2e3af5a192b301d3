package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/** The request is valid but the thing it acts on is not in a state that allows it. */
public final class ConflictException extends ApiException {

  public ConflictException(String message) {
    super(HttpStatus.CONFLICT, message, null);
  }
}
