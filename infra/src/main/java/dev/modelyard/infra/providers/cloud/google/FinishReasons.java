package dev.modelyard.infra.providers.cloud.google;

/** Gemini's finish reasons as OpenAI's. */
final class FinishReasons {

  private FinishReasons() {}

  static String openAi(String finishReason) {
    if (finishReason == null) {
      return null;
    }
    return switch (finishReason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
          "content_filter";
      case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL" -> "tool_calls";
      // STOP, OTHER, LANGUAGE and newer reasons: the model stopped.
      default -> "stop";
    };
  }
}
