package dev.modelyard.infra.providers.ollama;

import java.io.IOException;

/**
 * Ollama answered, but not with success: a non-2xx status, or an error inside a progress stream
 * that had begun with 200.
 */
public class OllamaException extends IOException {

  private final int status;

  public OllamaException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the answer; 200 when the error came inside a progress stream. */
  public int status() {
    return status;
  }
}
