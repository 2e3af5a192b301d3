package dev.modelyard.infra.providers.cloud.google;

import dev.modelyard.infra.providers.cloud.CloudHttp;
import dev.modelyard.infra.providers.cloud.CloudProvider;
import dev.modelyard.infra.providers.cloud.CloudProviderSettings;
import dev.modelyard.infra.providers.cloud.OpenAiEventStream;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;

/**
 * Google's Gemini API ({@code generateContent}, {@code streamGenerateContent?alt=sse}) behind
 * OpenAI's chat format. The key goes in a header, never in the URL, so it cannot reach a log.
 */
public final class GoogleProvider implements CloudProvider {

  public static final String NAME = "google";
  public static final URI DEFAULT_BASE_URI =
      URI.create("https://generativelanguage.googleapis.com");

  private final CloudProviderSettings settings;
  private final CloudHttp http;
  private final Clock clock;

  public GoogleProvider(CloudProviderSettings settings, Clock clock) {
    this.settings = settings;
    this.http = new CloudHttp(NAME, settings);
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] chat(byte[] openAiChatRequestBody, String model)
      throws IOException, InterruptedException {
    GenerateContentRequest body = GeminiRequests.translate(openAiChatRequestBody);
    byte[] answer = http.send(request(GeminiRequests.modelPath(model) + ":generateContent", body));
    GenerateContentResponse response = read(answer);
    GenerateContentResponse.UsageMetadata usage =
        response.usageMetadata() != null
            ? response.usageMetadata()
            : new GenerateContentResponse.UsageMetadata(0, 0, 0, 0);
    String finishReason = response.finishReason();
    ChatCompletionResponse completion =
        new ChatCompletionResponse(
            response.responseId() != null ? response.responseId() : "chatcmpl-" + UUID.randomUUID(),
            "chat.completion",
            clock.instant().getEpochSecond(),
            response.modelVersion() != null ? response.modelVersion() : model,
            List.of(
                new ChatCompletionResponse.Choice(
                    0,
                    new ChatMessage("assistant", response.text()),
                    finishReason != null ? finishReason : "stop")),
            new ChatCompletionResponse.Usage(
                usage.promptTokenCount(),
                usage.completionTokens(),
                usage.promptTokenCount() + usage.completionTokens()));
    return OpenAiJson.MAPPER.writeValueAsBytes(completion);
  }

  @Override
  public InputStream chatStream(byte[] openAiChatRequestBody, String model, Duration accepted)
      throws IOException, InterruptedException {
    GenerateContentRequest body = GeminiRequests.translate(openAiChatRequestBody);
    InputStream events =
        http.stream(
            request(GeminiRequests.modelPath(model) + ":streamGenerateContent?alt=sse", body),
            accepted);
    return new OpenAiEventStream(
        events, new GeminiStreamTranslator(model, clock.instant().getEpochSecond()));
  }

  private HttpRequest request(String path, GenerateContentRequest body) {
    return http.post(path, GeminiJson.MAPPER.writeValueAsBytes(body))
        .header("x-goog-api-key", settings.apiKey().value())
        .build();
  }

  static GenerateContentResponse read(byte[] answer) throws UpstreamException {
    try {
      return GeminiJson.MAPPER.readValue(answer, GenerateContentResponse.class);
    } catch (JacksonException e) {
      // A 200 we cannot read is the provider's fault: another backend may do better.
      throw new UpstreamException(
          502, NAME + " answered an unreadable response: " + e.getMessage());
    }
  }
}
