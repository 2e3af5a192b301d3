package dev.modelyard.infra.providers.openai;

import java.io.IOException;

/** A backend answered, but not with success; the status says whether retrying may help. */
public class UpstreamException extends IOException {

  private final int status;

  public UpstreamException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
