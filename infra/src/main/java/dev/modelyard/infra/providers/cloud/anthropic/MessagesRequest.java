package dev.modelyard.infra.providers.cloud.anthropic;

import java.util.List;

/** The body of {@code POST /v1/messages}, in Anthropic's snake_case. */
record MessagesRequest(
    String model,
    int maxTokens,
    String system,
    List<Message> messages,
    Double temperature,
    Double topP,
    List<String> stopSequences,
    Boolean stream) {

  /** {@code user} or {@code assistant}; Anthropic takes the system prompt apart from these. */
  record Message(String role, String content) {}
}
