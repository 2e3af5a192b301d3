package dev.modelyard.infra.providers.cloud.google;

import dev.modelyard.infra.providers.cloud.ChatCompletionChunk;
import dev.modelyard.infra.providers.cloud.CompletionChunks;
import dev.modelyard.infra.providers.cloud.ServerSentEvent;
import dev.modelyard.infra.providers.cloud.StreamTranslator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Gemini's stream as OpenAI chunks. Every event is a whole response holding the next piece of text;
 * usage metadata is cumulative, so the last one counts. Gemini sends no end marker: the finish
 * reason is what says the answer is complete.
 */
final class GeminiStreamTranslator implements StreamTranslator {

  private final String requestedModel;
  private final long created;
  private CompletionChunks chunks;
  private GenerateContentResponse.UsageMetadata usage;
  private boolean finished;

  GeminiStreamTranslator(String requestedModel, long created) {
    this.requestedModel = requestedModel;
    this.created = created;
  }

  @Override
  public List<ChatCompletionChunk> onEvent(ServerSentEvent event) throws IOException {
    GenerateContentResponse response =
        GoogleProvider.read(event.data().getBytes(StandardCharsets.UTF_8));
    List<ChatCompletionChunk> out = new ArrayList<>();
    if (chunks == null) {
      chunks =
          new CompletionChunks(
              response.responseId() != null
                  ? response.responseId()
                  : "chatcmpl-" + UUID.randomUUID(),
              created,
              response.modelVersion() != null ? response.modelVersion() : requestedModel);
      out.add(chunks.role());
    }
    String text = response.text();
    if (!text.isEmpty()) {
      out.add(chunks.content(text));
    }
    if (response.usageMetadata() != null) {
      usage = response.usageMetadata();
    }
    String finishReason = response.finishReason();
    if (finishReason != null && !finished) {
      finished = true;
      out.add(chunks.finish(finishReason));
    }
    return out;
  }

  @Override
  public List<ChatCompletionChunk> onEnd() throws IOException {
    if (!finished) {
      throw new IOException(GoogleProvider.NAME + " stream ended without a finish reason");
    }
    int prompt = usage != null ? usage.promptTokenCount() : 0;
    int completion = usage != null ? usage.completionTokens() : 0;
    return List.of(chunks.usage(prompt, completion));
  }
}
