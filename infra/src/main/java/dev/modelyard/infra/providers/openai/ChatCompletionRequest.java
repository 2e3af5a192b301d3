package dev.modelyard.infra.providers.openai;

import java.util.List;

/**
 * The part of OpenAI's chat completion request that local backends honour. Newer clients send
 * {@code max_completion_tokens} where older ones send {@code max_tokens}.
 */
public record ChatCompletionRequest(
    String model,
    List<ChatMessage> messages,
    Integer maxTokens,
    Integer maxCompletionTokens,
    Double temperature,
    Integer seed,
    Boolean stream) {

  public ChatCompletionRequest(
      String model,
      List<ChatMessage> messages,
      Integer maxTokens,
      Double temperature,
      Integer seed,
      Boolean stream) {
    this(model, messages, maxTokens, null, temperature, seed, stream);
  }

  /** The token limit the client asked for, under either name. */
  public Integer tokenLimit() {
    return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
  }
}
