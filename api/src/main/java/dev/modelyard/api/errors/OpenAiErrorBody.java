package dev.modelyard.api.errors;

/**
 * OpenAI's error object, which its SDKs turn into their errors: every answer on {@code /v1/**} that
 * is not a success has this shape, whoever writes it.
 */
public record OpenAiErrorBody(Error error) {

  public record Error(String message, String type, String param, String code) {}

  public static OpenAiErrorBody of(String message, String type, String param, String code) {
    return new OpenAiErrorBody(new Error(message, type, param, code));
  }
}
