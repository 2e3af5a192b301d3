package dev.modelyard.infra.providers.openai;

import java.util.List;

/** The part of OpenAI's chat completion request that local backends honour. */
public record ChatCompletionRequest(
    String model,
    List<ChatMessage> messages,
    Integer maxTokens,
    Double temperature,
    Integer seed,
    Boolean stream) {}
