package dev.modelyard.infra.providers.cloud.google;

import static dev.modelyard.infra.providers.cloud.FixtureServer.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.cloud.CloudProviderSettings;
import dev.modelyard.infra.providers.cloud.FixtureServer;
import dev.modelyard.infra.providers.cloud.OpenAiStream;
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

/** The Gemini adapter against a local server replaying Gemini's recorded answers. */
@Timeout(30)
class GoogleAdapterFixtureTests {

  /** How long the providers here may take to accept a stream. */
  private static final Duration ACCEPTED = Duration.ofSeconds(30);

  private static final Instant NOW = Instant.parse("2025-03-15T12:00:00Z");
  private static final byte[] REQUEST =
      utf8(
          """
          {"model":"auto","messages":[{"role":"system","content":"Answer briefly."},
          {"role":"user","content":"What is the capital of France?"},
          {"role":"assistant","content":"Do you mean today?"},
          {"role":"user","content":"Yes."}],
          "temperature":0.2,"top_p":0.9,"max_tokens":64,"stop":["END"]}
          """);

  private final FixtureServer server = new FixtureServer();
  private final GoogleProvider provider =
      new GoogleProvider(
          CloudProviderSettings.of(server.baseUri(), new Secret("AIza-test")),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aCompletionIsSentAsGenerateContentAndReadBackInOpenAiFormat() throws Exception {
    server.replies(200, "google/generate-content.json");

    byte[] answer = provider.chat(REQUEST, "gemini-2.5-flash");

    FixtureServer.Received sent = server.received();
    assertThat(sent.pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(sent.header("x-goog-api-key")).isEqualTo("AIza-test");
    JsonNode body = sent.json();
    assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asString())
        .isEqualTo("Answer briefly.");
    assertThat(body.path("contents").valueStream().map(c -> c.path("role").asString()))
        .containsExactly("user", "model", "user");
    assertThat(body.path("contents").get(0).path("parts").get(0).path("text").asString())
        .isEqualTo("What is the capital of France?");
    JsonNode config = body.path("generationConfig");
    assertThat(config.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(config.path("topP").asDouble()).isEqualTo(0.9);
    assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(64);
    assertThat(config.path("stopSequences").get(0).asString()).isEqualTo("END");

    ChatCompletionResponse completion =
        OpenAiJson.MAPPER.readValue(answer, ChatCompletionResponse.class);
    assertThat(completion.object()).isEqualTo("chat.completion");
    assertThat(completion.id()).isEqualTo("kQvPaPLbEcX7nvgPwKqN8Qk");
    assertThat(completion.model()).isEqualTo("gemini-2.5-flash");
    assertThat(completion.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(completion.text()).isEqualTo("The capital of France is Paris.");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
    // Thinking tokens (25) are billed as output, so they are completion tokens.
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(12, 32, 44));
  }

  @Test
  void hittingTheTokenLimitFinishesWithLength() throws Exception {
    server.replies(200, "google/generate-content-max-tokens.json");

    ChatCompletionResponse completion =
        OpenAiJson.MAPPER.readValue(
            provider.chat(REQUEST, "models/gemini-2.0-flash"), ChatCompletionResponse.class);

    assertThat(server.received().pathAndQuery())
        .isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo("length");
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(10, 8, 18));
  }

  @Test
  void aStreamBecomesOpenAiChunksEndingWithTheUsage() throws Exception {
    server.replies(200, "google/stream-generate-content.sse");

    OpenAiStream stream;
    try (InputStream events = provider.chatStream(REQUEST, "gemini-2.5-flash", ACCEPTED)) {
      stream = OpenAiStream.read(events);
    }

    FixtureServer.Received sent = server.received();
    assertThat(sent.pathAndQuery())
        .isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    assertThat(sent.header("x-goog-api-key")).isEqualTo("AIza-test");
    assertThat(stream.chunks())
        .allSatisfy(
            chunk -> assertThat(chunk.path("id").asString()).isEqualTo("xgvPaJ3-HMO7nvgP6sDb4QE"));
    assertThat(stream.contentDeltas()).containsExactly("The capital", " of France", " is Paris.");
    assertThat(stream.finishReasons()).containsExactly("stop");
    JsonNode usage = stream.usage();
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(12);
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(32);
    assertThat(usage.path("total_tokens").asInt()).isEqualTo(44);
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 400})
  void anErrorAnswerKeepsItsStatus(int status) {
    server.replies(status, "google/error-" + status + ".json");

    assertThatThrownBy(() -> provider.chat(REQUEST, "gemini-2.5-flash"))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.getMessage()).startsWith("google").doesNotContain("AIza-test");
            });
    assertThatThrownBy(() -> provider.chatStream(REQUEST, "gemini-2.5-flash", ACCEPTED))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @Test
  void aModelNameThatIsNotAPlainNameNeverReachesThePath() {
    assertThatThrownBy(() -> provider.chat(REQUEST, "../../v1/files"))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(server.received()).isNull();
  }
}
