package dev.modelyard.api.errors;

import org.springframework.http.HttpStatus;

/**
 * A load that fits on no device: a 409 whose body says how much it needs and how much is free, so
 * that the caller can ask for less (a shorter context, fewer slots) or free memory first.
 */
public final class PlacementRefusedException extends ApiException {

  private final long needBytes;
  private final long largestFreeBytes;

  public PlacementRefusedException(String message, long needBytes, long largestFreeBytes) {
    super(HttpStatus.CONFLICT, message, null);
    this.needBytes = needBytes;
    this.largestFreeBytes = largestFreeBytes;
  }

  public long needBytes() {
    return needBytes;
  }

  public long largestFreeBytes() {
    return largestFreeBytes;
  }
}
