package dev.modelyard.infra.providers.cloud;

import java.io.IOException;
import java.util.List;

/** Turns one provider's stream events into OpenAI chunks; one instance per stream. */
public interface StreamTranslator {

  /** The chunks this event becomes, none for events that carry nothing OpenAI sends. */
  List<ChatCompletionChunk> onEvent(ServerSentEvent event) throws IOException;

  /**
   * The last chunks once the provider's stream has ended; fails when it ended before the provider
   * said it was complete, so a cut-off answer never passes for a whole one.
   */
  List<ChatCompletionChunk> onEnd() throws IOException;
}
