package dev.modelyard.infra.providers.openai;

import java.util.List;

public record ChatCompletionResponse(
    String id, String object, long created, String model, List<Choice> choices, Usage usage) {

  public record Choice(int index, ChatMessage message, String finishReason) {}

  public record Usage(int promptTokens, int completionTokens, int totalTokens) {}

  /** The first choice's text, which is all a single-choice request has. */
  public String text() {
    return choices == null || choices.isEmpty() ? "" : choices.getFirst().message().content();
  }
}
