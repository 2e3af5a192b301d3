package dev.modelyard.infra.providers.cloud.anthropic;

import dev.modelyard.infra.providers.cloud.OpenAiChatRequest;
import dev.modelyard.infra.providers.cloud.UntranslatableRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An OpenAI chat request as Anthropic's Messages API takes it. */
final class AnthropicRequests {

  /** Anthropic requires a limit; OpenAI clients often send none. */
  static final int DEFAULT_MAX_TOKENS = 1024;

  private AnthropicRequests() {}

  static MessagesRequest translate(byte[] openAiBody, String model, boolean stream)
      throws IOException {
    OpenAiChatRequest request = OpenAiChatRequest.parse(AnthropicProvider.NAME, openAiBody);
    List<String> system = new ArrayList<>();
    List<MessagesRequest.Message> messages = new ArrayList<>();
    for (OpenAiChatRequest.Message message : request.messages()) {
      switch (message.role()) {
        case "system", "developer" -> system.add(message.text());
        case "user", "assistant" ->
            messages.add(new MessagesRequest.Message(message.role(), message.text()));
        case null, default ->
            throw new UntranslatableRequestException(
                AnthropicProvider.NAME
                    + ": messages of role '"
                    + message.role()
                    + "' cannot be sent to this provider");
      }
    }
    if (messages.isEmpty()) {
      // OpenAI takes a conversation of system messages only; this API does not.
      throw new UntranslatableRequestException(
          AnthropicProvider.NAME + ": a request needs at least one user message");
    }
    Integer limit = request.tokenLimit();
    return new MessagesRequest(
        model,
        limit != null ? limit : DEFAULT_MAX_TOKENS,
        system.isEmpty() ? null : String.join("\n\n", system),
        messages,
        // OpenAI's temperature goes to 2, Anthropic's to 1: beyond it is "most random" in both.
        request.temperature() == null ? null : Math.min(request.temperature(), 1.0),
        request.topP(),
        request.stopSequences(),
        stream ? Boolean.TRUE : null);
  }
}
