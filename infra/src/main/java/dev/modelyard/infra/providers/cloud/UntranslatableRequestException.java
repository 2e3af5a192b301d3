package dev.modelyard.infra.providers.cloud;

import java.io.IOException;

/**
 * A request this provider's API cannot express as Modelyard sends it (a tool message, a tool or a
 * response format to honour, an image): not the request's fault, since another provider may take
 * it, so a fallback chain goes on to its next step rather than answer with a 400. Nothing was sent.
 */
public class UntranslatableRequestException extends IOException {

  public UntranslatableRequestException(String message) {
    super(message);
  }
}
