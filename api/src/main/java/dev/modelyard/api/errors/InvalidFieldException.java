package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/** A request field with a value we cannot use; the problem body names the field. */
public final class InvalidFieldException extends ApiException {

  private final String field;

  public InvalidFieldException(String field, String message) {
    super(HttpStatus.BAD_REQUEST, message, null);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
