package dev.modelyard.infra.providers.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** An OpenAI event stream read as a client reads it: chunks until {@code data: [DONE]}. */
public record OpenAiStream(List<JsonNode> chunks) {

  public static OpenAiStream read(InputStream stream) throws IOException {
    List<String> data = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) {
          data.add(line.substring("data: ".length()));
        } else {
          assertThat(line).as("OpenAI streams hold only data lines and blank lines").isEmpty();
        }
      }
    }
    assertThat(data).as("the stream ends with [DONE]").last().isEqualTo("[DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (String json : data.subList(0, data.size() - 1)) {
      chunks.add(OpenAiJson.MAPPER.readTree(json));
    }
    return new OpenAiStream(chunks);
  }

  /** Every content delta, in order. */
  public List<String> contentDeltas() {
    return chunks.stream()
        .flatMap(c -> c.path("choices").valueStream())
        .map(choice -> choice.path("delta").path("content"))
        .filter(content -> content.isString() && !content.stringValue().isEmpty())
        .map(JsonNode::stringValue)
        .toList();
  }

  public List<String> finishReasons() {
    return chunks.stream()
        .flatMap(c -> c.path("choices").valueStream())
        .map(choice -> choice.path("finish_reason"))
        .filter(JsonNode::isString)
        .map(JsonNode::stringValue)
        .toList();
  }

  /** The last chunk, which must be OpenAI's usage chunk: no choices, the token counts. */
  public JsonNode usage() {
    JsonNode last = chunks.getLast();
    assertThat(last.path("choices").isEmpty()).as("the usage chunk has no choices").isTrue();
    return last.path("usage");
  }
}
