package dev.modelyard.infra.providers.openai;

import dev.modelyard.infra.providers.Snippets;
import dev.modelyard.infra.providers.WholeAnswers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls any server that speaks OpenAI's chat completions API: Modelyard's engine runners, vLLM,
 * llama.cpp's server, LM Studio.
 */
public final class OpenAiCompatibleClient {

  private final HttpClient http;
  private final Duration requestTimeout;

  public OpenAiCompatibleClient(Duration connectTimeout, Duration requestTimeout) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.requestTimeout = requestTimeout;
  }

  /** Sends the request to {@code baseUrl}/v1/chat/completions and returns the parsed answer. */
  public ChatCompletionResponse chat(URI baseUrl, ChatCompletionRequest request)
      throws IOException, InterruptedException {
    HttpRequest httpRequest =
        HttpRequest.newBuilder(baseUrl.resolve("/v1/chat/completions"))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    OpenAiJson.MAPPER.writeValueAsBytes(request)))
            .build();
    HttpResponse<byte[]> response =
        WholeAnswers.within(
            http,
            httpRequest,
            HttpResponse.BodyHandlers.ofByteArray(),
            baseUrl + " /v1/chat/completions");
    if (response.statusCode() != 200) {
      throw new UpstreamException(
          response.statusCode(),
          baseUrl + " answered " + response.statusCode() + ": " + snippet(response.body()));
    }
    return OpenAiJson.MAPPER.readValue(response.body(), ChatCompletionResponse.class);
  }

  private static String snippet(byte[] body) {
    return Snippets.of(new String(body, java.nio.charset.StandardCharsets.UTF_8));
  }
}
