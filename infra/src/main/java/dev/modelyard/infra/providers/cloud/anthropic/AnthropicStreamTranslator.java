package dev.modelyard.infra.providers.cloud.anthropic;

import dev.modelyard.infra.providers.cloud.ChatCompletionChunk;
import dev.modelyard.infra.providers.cloud.CompletionChunks;
import dev.modelyard.infra.providers.cloud.ServerSentEvent;
import dev.modelyard.infra.providers.cloud.StreamTranslator;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.util.List;
import tools.jackson.core.JacksonException;

/**
 * Anthropic's message stream as OpenAI chunks. The prompt's token count comes in {@code
 * message_start}, the answer's (cumulative) in {@code message_delta}; both go out in one usage
 * chunk at {@code message_stop}.
 */
final class AnthropicStreamTranslator implements StreamTranslator {

  private final String requestedModel;
  private final long created;
  private CompletionChunks chunks;
  private int promptTokens;
  private int completionTokens;
  private boolean stopped;

  AnthropicStreamTranslator(String requestedModel, long created) {
    this.requestedModel = requestedModel;
    this.created = created;
  }

  @Override
  public List<ChatCompletionChunk> onEvent(ServerSentEvent sse) throws IOException {
    StreamEvent event = read(sse.data());
    return switch (event.type()) {
      case "message_start" -> start(event.message());
      case "content_block_delta" -> delta(event.delta());
      case "message_delta" -> messageDelta(event);
      case "message_stop" -> {
        stopped = true;
        yield List.of(chunks().usage(promptTokens, completionTokens));
      }
      case "error" -> throw failed(event.error());
      // ping, content_block_start/stop and newer event types carry no text.
      case null, default -> List.of();
    };
  }

  @Override
  public List<ChatCompletionChunk> onEnd() throws IOException {
    if (!stopped) {
      throw new IOException(AnthropicProvider.NAME + " stream ended before message_stop");
    }
    return List.of();
  }

  private List<ChatCompletionChunk> start(MessagesResponse message) {
    String model = message != null && message.model() != null ? message.model() : requestedModel;
    String id = message != null ? message.id() : null;
    chunks = new CompletionChunks(id, created, model);
    if (message != null && message.usage() != null) {
      promptTokens = message.usage().promptTokens();
      completionTokens = message.usage().outputTokens();
    }
    return List.of(chunks.role());
  }

  private List<ChatCompletionChunk> delta(StreamEvent.Delta delta) {
    // Only text deltas are answer text; thinking and tool-input deltas are not.
    if (delta == null || !"text_delta".equals(delta.type()) || delta.text() == null) {
      return List.of();
    }
    return List.of(chunks().content(delta.text()));
  }

  private List<ChatCompletionChunk> messageDelta(StreamEvent event) {
    if (event.usage() != null) {
      completionTokens = event.usage().outputTokens();
      if (event.usage().promptTokens() > 0) {
        promptTokens = event.usage().promptTokens();
      }
    }
    String stopReason = event.delta() != null ? event.delta().stopReason() : null;
    return List.of(chunks().finish(StopReasons.finishReason(stopReason)));
  }

  private CompletionChunks chunks() {
    // A stream that skipped message_start still gets well-formed chunks.
    if (chunks == null) {
      chunks = new CompletionChunks(null, created, requestedModel);
    }
    return chunks;
  }

  private static UpstreamException failed(StreamEvent.ErrorBody error) {
    String type = error != null ? error.type() : null;
    int status =
        switch (type) {
          case "overloaded_error" -> 529;
          case "rate_limit_error" -> 429;
          case "invalid_request_error" -> 400;
          case null, default -> 500;
        };
    return new UpstreamException(
        status,
        AnthropicProvider.NAME
            + " stream failed: "
            + type
            + (error != null ? ": " + error.message() : ""));
  }

  private static StreamEvent read(String data) throws UpstreamException {
    try {
      return OpenAiJson.MAPPER.readValue(data, StreamEvent.class);
    } catch (JacksonException e) {
      throw new UpstreamException(
          502, AnthropicProvider.NAME + " sent an unreadable stream event: " + e.getMessage());
    }
  }
}
