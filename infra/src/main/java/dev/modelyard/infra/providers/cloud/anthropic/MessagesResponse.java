package dev.modelyard.infra.providers.cloud.anthropic;

import java.util.List;

/** Anthropic's answer to {@code POST /v1/messages}, and the message of a stream's first event. */
record MessagesResponse(
    String id, String model, List<ContentBlock> content, String stopReason, Usage usage) {

  /** A text block, or another kind (thinking, tool use) that carries no answer text. */
  record ContentBlock(String type, String text) {}

  /**
   * Token counts. Prompt-cache reads and writes are counted apart from {@code input_tokens}, but
   * they are prompt tokens too.
   */
  record Usage(
      int inputTokens, int outputTokens, int cacheCreationInputTokens, int cacheReadInputTokens) {

    int promptTokens() {
      return inputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    }
  }

  String text() {
    StringBuilder text = new StringBuilder();
    if (content != null) {
      content.stream()
          .filter(block -> "text".equals(block.type()))
          .forEach(block -> text.append(block.text()));
    }
    return text.toString();
  }
}
