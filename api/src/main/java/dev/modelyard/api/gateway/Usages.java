package dev.modelyard.api.gateway;

import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/** The token counts a backend reported: in an answer's body, or in a stream's last chunks. */
final class Usages {

  static final Usage NONE = new Usage(0, 0);

  private Usages() {}

  /** Reads only {@code usage}, skipping the rest (the choices) without building it. */
  static Usage ofBody(byte[] body) {
    try (JsonParser parser = OpenAiJson.MAPPER.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("usage")) {
          return of(parser.readValueAsTree());
        }
        parser.skipChildren();
      }
      return NONE;
    } catch (JacksonException e) {
      return NONE;
    }
  }

  /** Usage comes in the final chunk (we ask for it); look at the last few, newest first. */
  static Usage ofEvents(List<String> events) {
    for (int i = events.size() - 1; i >= Math.max(0, events.size() - 3); i--) {
      String event = events.get(i);
      if (event.contains("\"usage\"")) {
        try {
          Usage usage = of(OpenAiJson.MAPPER.readTree(event).get("usage"));
          if (usage != NONE) {
            return usage;
          }
        } catch (JacksonException e) {
          return NONE;
        }
      }
    }
    return NONE;
  }

  /**
   * A stream cut before its usage chunk, counted by the usual rule of thumb: a token per event sent
   * and per four bytes of the request. An estimate, but a cut stream's tokens were generated, and
   * paid for where a cloud made them; counting none would let budgets be overrun.
   */
  static Usage estimate(int requestBytes, int eventsSent) {
    return new Usage((requestBytes + 3) / 4, eventsSent);
  }

  private static Usage of(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return NONE;
    }
    return new Usage(
        usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
  }
}
