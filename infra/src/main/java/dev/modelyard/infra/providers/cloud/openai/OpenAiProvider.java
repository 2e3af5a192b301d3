package dev.modelyard.infra.providers.cloud.openai;

import dev.modelyard.infra.providers.cloud.CloudHttp;
import dev.modelyard.infra.providers.cloud.CloudProvider;
import dev.modelyard.infra.providers.cloud.CloudProviderSettings;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's own chat completions API. It already speaks the gateway's format, so the body goes
 * through whole (every parameter the client chose is honoured) with only the model, the stream flag
 * and the usage option set.
 */
public final class OpenAiProvider implements CloudProvider {

  public static final String NAME = "openai";
  public static final URI DEFAULT_BASE_URI = URI.create("https://api.openai.com");

  private final CloudProviderSettings settings;
  private final CloudHttp http;

  public OpenAiProvider(CloudProviderSettings settings) {
    this.settings = settings;
    this.http = new CloudHttp(NAME, settings);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] chat(byte[] openAiChatRequestBody, String model)
      throws IOException, InterruptedException {
    return http.send(request(body(openAiChatRequestBody, model, false)));
  }

  @Override
  public InputStream chatStream(byte[] openAiChatRequestBody, String model, Duration accepted)
      throws IOException, InterruptedException {
    // OpenAI's stream is the format we relay; it ends with the usage chunk we asked for.
    return http.stream(request(body(openAiChatRequestBody, model, true)), accepted);
  }

  private HttpRequest request(byte[] body) {
    return http.post("/v1/chat/completions", body)
        .header("Authorization", "Bearer " + settings.apiKey().value())
        .build();
  }

  private static byte[] body(byte[] original, String model, boolean stream)
      throws UpstreamException {
    JsonNode tree;
    try {
      tree = OpenAiJson.MAPPER.readTree(original);
    } catch (JacksonException e) {
      throw new UpstreamException(400, NAME + ": not a JSON request: " + e.getOriginalMessage());
    }
    if (!(tree instanceof ObjectNode body)) {
      throw new UpstreamException(400, NAME + ": a chat request is a JSON object");
    }
    body.put("model", model);
    body.put("stream", stream);
    if (stream) {
      // Without it OpenAI reports no token counts in a stream, and its cost could not be known.
      JsonNode options = body.get("stream_options");
      (options instanceof ObjectNode existing ? existing : body.putObject("stream_options"))
          .put("include_usage", true);
    } else {
      // OpenAI refuses stream_options on a request that does not stream.
      body.remove("stream_options");
    }
    return OpenAiJson.MAPPER.writeValueAsBytes(body);
  }
}
