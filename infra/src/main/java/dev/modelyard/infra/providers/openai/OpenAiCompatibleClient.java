package dev.modelyard.infra.providers.openai;

import java.io.IOException;
import java.io.InputStream;
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
    HttpResponse<byte[]> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new UpstreamException(
          response.statusCode(),
          baseUrl + " answered " + response.statusCode() + ": " + snippet(response.body()));
    }
    return OpenAiJson.MAPPER.readValue(response.body(), ChatCompletionResponse.class);
  }

  /**
   * Posts a body as it is to {@code path} and returns the backend's answer as it is (for the
   * gateway), waiting at most {@code timeout} for it.
   */
  public byte[] postRaw(URI baseUrl, String path, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(request(baseUrl, path, body, timeout), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new UpstreamException(
          response.statusCode(),
          baseUrl + " answered " + response.statusCode() + ": " + snippet(response.body()));
    }
    return response.body();
  }

  /**
   * Starts a streamed answer and returns its event stream once the backend has answered 200 within
   * {@code headersTimeout}; closing the stream cancels the upstream request.
   */
  public InputStream postStream(URI baseUrl, String path, byte[] body, Duration headersTimeout)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            request(baseUrl, path, body, headersTimeout),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      try (InputStream error = response.body()) {
        throw new UpstreamException(
            response.statusCode(),
            baseUrl + " answered " + response.statusCode() + ": " + snippet(error.readNBytes(300)));
      }
    }
    return response.body();
  }

  private static HttpRequest request(URI baseUrl, String path, byte[] body, Duration timeout) {
    return HttpRequest.newBuilder(baseUrl.resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static String snippet(byte[] body) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
