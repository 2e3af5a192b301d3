package dev.modelyard.infra.providers.cloud.anthropic;

/** Anthropic's stop reasons as OpenAI's finish reasons. */
final class StopReasons {

  private StopReasons() {}

  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      // end_turn, stop_sequence, pause_turn and any newer reason: the model stopped by itself.
      default -> "stop";
    };
  }
}
