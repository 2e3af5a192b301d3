package dev.modelyard.infra.providers.huggingface;

import java.io.IOException;

/** The Hub answered, but not as asked: an error status, or a download it did not serve whole. */
public class HuggingFaceException extends IOException {

  private final int status;

  public HuggingFaceException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }
}
