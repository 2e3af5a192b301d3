package dev.modelyard.infra.providers.cloud.anthropic;

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
import tools.jackson.core.JacksonException;

/** Anthropic's Messages API ({@code POST /v1/messages}) behind OpenAI's chat format. */
public final class AnthropicProvider implements CloudProvider {

  public static final String NAME = "anthropic";
  public static final URI DEFAULT_BASE_URI = URI.create("https://api.anthropic.com");

  /** The API version this translation was written against; Anthropic requires the header. */
  static final String API_VERSION = "2023-06-01";

  private final CloudProviderSettings settings;
  private final CloudHttp http;
  private final Clock clock;

  public AnthropicProvider(CloudProviderSettings settings, Clock clock) {
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
    byte[] answer =
        http.send(request(AnthropicRequests.translate(openAiChatRequestBody, model, false)));
    MessagesResponse message = read(answer);
    MessagesResponse.Usage usage =
        message.usage() != null ? message.usage() : new MessagesResponse.Usage(0, 0, 0, 0);
    ChatCompletionResponse completion =
        new ChatCompletionResponse(
            message.id(),
            "chat.completion",
            clock.instant().getEpochSecond(),
            message.model() != null ? message.model() : model,
            List.of(
                new ChatCompletionResponse.Choice(
                    0,
                    new ChatMessage("assistant", message.text()),
                    StopReasons.finishReason(message.stopReason()))),
            new ChatCompletionResponse.Usage(
                usage.promptTokens(),
                usage.outputTokens(),
                usage.promptTokens() + usage.outputTokens()));
    return OpenAiJson.MAPPER.writeValueAsBytes(completion);
  }

  @Override
  public InputStream chatStream(byte[] openAiChatRequestBody, String model, Duration accepted)
      throws IOException, InterruptedException {
    InputStream events =
        http.stream(
            request(AnthropicRequests.translate(openAiChatRequestBody, model, true)), accepted);
    return new OpenAiEventStream(
        events, new AnthropicStreamTranslator(model, clock.instant().getEpochSecond()));
  }

  private HttpRequest request(MessagesRequest body) {
    return http.post("/v1/messages", OpenAiJson.MAPPER.writeValueAsBytes(body))
        .header("x-api-key", settings.apiKey().value())
        .header("anthropic-version", API_VERSION)
        .build();
  }

  private static MessagesResponse read(byte[] answer) throws UpstreamException {
    try {
      return OpenAiJson.MAPPER.readValue(answer, MessagesResponse.class);
    } catch (JacksonException e) {
      // A 200 we cannot read is the provider's fault: another backend may do better.
      throw new UpstreamException(502, NAME + " answered an unreadable message: " + e.getMessage());
    }
  }
}
