package dev.modelyard.api.gateway;

/** A request to the OpenAI-compatible API that we refuse, in OpenAI's terms. */
final class OpenAiRequestException extends RuntimeException {

  private final String param;

  OpenAiRequestException(String message, String param) {
    super(message);
    this.param = param;
  }

  String param() {
    return param;
  }
}
