package dev.modelyard.infra.providers.cloud.anthropic;

import static dev.modelyard.infra.providers.cloud.FixtureServer.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.cloud.CloudProviderSettings;
import dev.modelyard.infra.providers.cloud.FixtureServer;
import dev.modelyard.infra.providers.cloud.OpenAiStream;
import dev.modelyard.infra.providers.cloud.UntranslatableRequestException;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.infra.settings.Secret;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The Anthropic adapter against a local server replaying Anthropic's recorded answers. */
@Timeout(30)
class AnthropicAdapterFixtureTests {

  /** How long the providers here may take to accept a stream. */
  private static final Duration ACCEPTED = Duration.ofSeconds(30);

  private static final Instant NOW = Instant.parse("2025-03-15T12:00:00Z");
  private static final byte[] REQUEST =
      utf8(
          """
          {"model":"auto","messages":[{"role":"system","content":"Answer briefly."},
          {"role":"user","content":"What is the capital of France?"},
          {"role":"assistant","content":"Do you mean today?"},
          {"role":"user","content":[{"type":"text","text":"Yes, "},{"type":"text","text":"today."}]}],
          "temperature":0.2,"top_p":0.9,"max_tokens":64,"stop":"\\n\\n"}
          """);

  private final FixtureServer server = new FixtureServer();
  private final AnthropicProvider provider =
      new AnthropicProvider(
          CloudProviderSettings.of(server.baseUri(), new Secret("sk-ant-test")),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aCompletionIsSentAsAMessagesRequestAndReadBackInOpenAiFormat() throws Exception {
    server.replies(200, "anthropic/message.json");

    byte[] answer = provider.chat(REQUEST, "claude-sonnet-4-5");

    FixtureServer.Received sent = server.received();
    assertThat(sent.pathAndQuery()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-test");
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.header("Authorization")).isNull();
    JsonNode body = sent.json();
    assertThat(body.path("model").asString()).isEqualTo("claude-sonnet-4-5");
    assertThat(body.path("system").asString()).isEqualTo("Answer briefly.");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.path("stop_sequences").get(0).asString()).isEqualTo("\n\n");
    assertThat(body.has("stream")).isFalse();
    assertThat(body.path("messages").valueStream().map(m -> m.path("role").asString()))
        .containsExactly("user", "assistant", "user");
    assertThat(body.path("messages").get(2).path("content").asString()).isEqualTo("Yes, today.");

    ChatCompletionResponse completion =
        OpenAiJson.MAPPER.readValue(answer, ChatCompletionResponse.class);
    assertThat(completion.object()).isEqualTo("chat.completion");
    assertThat(completion.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
    assertThat(completion.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(completion.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(completion.text()).isEqualTo("The capital of France is Paris.");
    assertThat(completion.choices().getFirst().message().role()).isEqualTo("assistant");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(21, 10, 31));
  }

  @Test
  void aRequestWithoutATokenLimitGetsTheDefaultAnthropicRequires() throws Exception {
    server.replies(200, "anthropic/message.json");

    provider.chat(utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), "claude");

    JsonNode body = server.received().json();
    assertThat(body.path("max_tokens").asInt()).isEqualTo(1024);
    assertThat(body.has("system")).isFalse();
    assertThat(body.has("temperature")).isFalse();
  }

  @Test
  void hittingTheTokenLimitFinishesWithLength() throws Exception {
    server.replies(200, "anthropic/message-max-tokens.json");

    ChatCompletionResponse completion =
        OpenAiJson.MAPPER.readValue(
            provider.chat(REQUEST, "claude-3-5-haiku"), ChatCompletionResponse.class);

    assertThat(completion.choices().getFirst().finishReason()).isEqualTo("length");
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(18, 8, 26));
  }

  @Test
  void aStreamBecomesOpenAiChunksEndingWithTheUsage() throws Exception {
    server.replies(200, "anthropic/message-stream.sse");

    OpenAiStream stream;
    try (InputStream events = provider.chatStream(REQUEST, "claude-sonnet-4-5", ACCEPTED)) {
      stream = OpenAiStream.read(events);
    }

    assertThat(server.received().json().path("stream").asBoolean()).isTrue();
    assertThat(stream.chunks())
        .allSatisfy(
            chunk -> {
              assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
              assertThat(chunk.path("id").asString()).isEqualTo("msg_01WcR9sPqZ3vT8yKxN6mJd2B");
            });
    assertThat(
            stream.chunks().getFirst().path("choices").get(0).path("delta").path("role").asString())
        .isEqualTo("assistant");
    assertThat(stream.contentDeltas()).containsExactly("The capital", " of France", " is Paris.");
    assertThat(stream.finishReasons()).containsExactly("stop");
    JsonNode usage = stream.usage();
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(21);
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(10);
    assertThat(usage.path("total_tokens").asInt()).isEqualTo(31);
  }

  @Test
  void anErrorEventInTheStreamFailsTheReadWithItsStatus() throws Exception {
    server.replies(200, "anthropic/message-stream-overloaded.sse");

    try (InputStream events = provider.chatStream(REQUEST, "claude-sonnet-4-5", ACCEPTED)) {
      assertThatThrownBy(events::readAllBytes)
          .isInstanceOfSatisfying(
              UpstreamException.class,
              e -> {
                assertThat(e.status()).isEqualTo(529);
                assertThat(e.getMessage()).contains("overloaded_error");
              });
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 529, 400})
  void anErrorAnswerKeepsItsStatus(int status) {
    server.replies(status, "anthropic/error-" + status + ".json");

    assertThatThrownBy(() -> provider.chat(REQUEST, "claude-sonnet-4-5"))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.getMessage()).startsWith("anthropic").doesNotContain("sk-ant-test");
            });
    assertThatThrownBy(() -> provider.chatStream(REQUEST, "claude-sonnet-4-5", ACCEPTED))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @Test
  void whatThisApiCannotExpressIsNotSentAndIsNoFaultOfTheRequest() {
    for (String body :
        new String[] {
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
              + "{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"call_1\"}]}",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
              + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add\"}}]}",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
              + "\"response_format\":{\"type\":\"json_object\"}}",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2}",
          "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"}]}"
        }) {
      assertThatThrownBy(() -> provider.chat(utf8(body), "claude-sonnet-4-5"))
          .as(body)
          .isInstanceOf(UntranslatableRequestException.class)
          .hasMessageStartingWith("anthropic: ");
    }
    assertThat(server.received()).isNull();
  }

  @Test
  void aBodyNoProviderCouldTakeIsTheRequestsFault() {
    assertThatThrownBy(() -> provider.chat(utf8("{\"messages\":[]}"), "claude-sonnet-4-5"))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(server.received()).isNull();
  }
}
