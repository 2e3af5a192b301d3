package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import java.util.List;

/**
 * Makes the chunks of one streamed completion, which all share its id, creation time and model. The
 * order OpenAI sends them in: the role, the content deltas, one with the finish reason, and (as
 * {@code stream_options.include_usage} asks) one with no choices and the usage.
 */
public record CompletionChunks(String id, long created, String model) {

  private static final String OBJECT = "chat.completion.chunk";

  public ChatCompletionChunk role() {
    return choice(new ChatCompletionChunk.Delta("assistant", ""), null);
  }

  public ChatCompletionChunk content(String text) {
    return choice(new ChatCompletionChunk.Delta(null, text), null);
  }

  public ChatCompletionChunk finish(String finishReason) {
    return choice(new ChatCompletionChunk.Delta(null, null), finishReason);
  }

  public ChatCompletionChunk usage(int promptTokens, int completionTokens) {
    return new ChatCompletionChunk(
        id,
        OBJECT,
        created,
        model,
        List.of(),
        new ChatCompletionResponse.Usage(
            promptTokens, completionTokens, promptTokens + completionTokens));
  }

  private ChatCompletionChunk choice(ChatCompletionChunk.Delta delta, String finishReason) {
    return new ChatCompletionChunk(
        id,
        OBJECT,
        created,
        model,
        List.of(new ChatCompletionChunk.Choice(0, delta, finishReason)),
        null);
  }
}
