package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import java.util.List;

/** One OpenAI {@code chat.completion.chunk}, as translated streams emit them. */
public record ChatCompletionChunk(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    ChatCompletionResponse.Usage usage) {

  public record Choice(int index, Delta delta, String finishReason) {}

  public record Delta(String role, String content) {}
}
