package dev.modelyard.infra.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.testing.TestServices;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real tiny model in the real llama.cpp engine, behind the runner's real HTTP server. */
class EngineRunnerTests {

  private static EngineRunner runner;
  private final HttpClient http = HttpClient.newHttpClient();
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

  @BeforeAll
  static void start() {
    runner =
        EngineRunner.start(
            "tiny", LlamaEngine.load(TestServices.tinyModel(), EngineOptions.of(512, 2, 2)), 0);
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  @Test
  void answersAChatCompletionWithTokenCounts() throws Exception {
    ChatCompletionResponse response = client.chat(runner.endpoint(), request(8, false));

    assertThat(response.object()).isEqualTo("chat.completion");
    assertThat(response.text()).isNotBlank();
    assertThat(response.usage().promptTokens()).isPositive();
    assertThat(response.usage().completionTokens()).isBetween(1, 8);
    assertThat(response.usage().totalTokens())
        .isEqualTo(response.usage().promptTokens() + response.usage().completionTokens());
  }

  @Test
  void isRepeatableAtTemperatureZeroWithASeed() throws Exception {
    String first = client.chat(runner.endpoint(), request(8, false)).text();
    String second = client.chat(runner.endpoint(), request(8, false)).text();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void streamsServerSentEventsEndingWithUsageAndDone() throws Exception {
    HttpResponse<List<String>> response =
        http.send(
            HttpRequest.newBuilder(runner.endpoint().resolve("/v1/chat/completions"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"messages":[{"role":"user","content":"Hi"}],"max_tokens":6,
                         "temperature":0,"seed":1,"stream":true}"""))
                .build(),
            info ->
                HttpResponse.BodySubscribers.mapping(
                    HttpResponse.BodySubscribers.ofLines(StandardCharsets.UTF_8),
                    lines -> lines.filter(line -> line.startsWith("data: ")).toList()));

    List<String> events = response.body();
    assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
    assertThat(events.getLast()).isEqualTo("data: [DONE]");
    assertThat(events.size()).isBetween(3, 9);
    assertThat(events.get(events.size() - 2))
        .contains("\"usage\"")
        .contains("\"completion_tokens\"");
    assertThat(events.getFirst()).contains("chat.completion.chunk");
  }

  @Test
  void answersHealth() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(runner.endpoint().resolve("/health")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"ok\"");
  }

  @Test
  void rejectsARequestWithoutMessages() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(runner.endpoint().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("messages must not be empty");
  }

  private static ChatCompletionRequest request(int maxTokens, boolean stream) {
    return new ChatCompletionRequest(
        null, List.of(new ChatMessage("user", "Hello")), maxTokens, 0.0, 42, stream);
  }
}
