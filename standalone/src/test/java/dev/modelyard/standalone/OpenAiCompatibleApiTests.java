package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelyard.testing.TestApiKeys;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAI-compatible API through the official OpenAI Java SDK, unchanged, against the launcher
 * serving the tiny model on the embedded engine.
 */
class OpenAiCompatibleApiTests {

  @TempDir static Path dataDir;
  private static RunningModelyard modelyard;
  private static OpenAIClient openAi;

  @BeforeAll
  static void start() throws Exception {
    modelyard = RunningModelyard.start(dataDir);
    modelyard.loadTinyModel("tiny");
    openAi =
        OpenAIOkHttpClient.builder()
            .baseUrl(modelyard.base().resolve("/v1").toString())
            .apiKey(TestApiKeys.ADMIN)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    openAi.close();
    modelyard.close();
  }

  @Test
  void theSdkGetsAChatCompletionWithUsage() {
    ChatCompletion completion = openAi.chat().completions().create(params(0.5));

    assertThat(completion.model()).isEqualTo("tiny");
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().getFirst().message().content()).isPresent();
    assertThat(completion.usage().orElseThrow().completionTokens()).isBetween(1L, 6L);
  }

  @Test
  void theSdkStreamsChunksEndingWithUsage() {
    try (StreamResponse<ChatCompletionChunk> stream =
        openAi.chat().completions().createStreaming(params(0.5))) {
      List<ChatCompletionChunk> chunks = stream.stream().toList();

      assertThat(chunks).hasSizeGreaterThan(1);
      assertThat(chunks.getLast().usage()).isPresent();
      String text =
          chunks.stream()
              .flatMap(c -> c.choices().stream())
              .map(c -> c.delta().content().orElse(""))
              .reduce("", String::concat);
      assertThat(text).isNotEmpty();
    }
  }

  @Test
  void aDeterministicStreamIsReplayedFromTheCacheIdentically() throws Exception {
    String body =
        """
        {"model":"tiny","messages":[{"role":"user","content":"Replay me"}],
         "max_tokens":6,"temperature":0,"seed":3,"stream":true}""";

    String first = stream(body);
    String second = stream(body);

    assertThat(first).endsWith("data: [DONE]\n\n").contains("chat.completion.chunk");
    assertThat(second).isEqualTo(first);
    assertThat(modelyard.get("/api/v1/local-llm/metrics/cache", 200).get("hits").asLong())
        .isPositive();
  }

  @Test
  void aDeterministicCompletionIsCachedAndOtherSettingsAreNot() throws Exception {
    String body =
        """
        {"model":"tiny","messages":[{"role":"user","content":"Cache me"}],
         "max_tokens":5,"temperature":0%s}""";

    assertThat(cacheHeader(body.formatted(""))).isEqualTo("miss");
    assertThat(cacheHeader(body.formatted(""))).isEqualTo("hit");
    assertThat(cacheHeader(body.formatted(",\"top_p\":0.5"))).isEqualTo("miss");
    assertThat(cacheHeader(body.formatted(",\"stop\":[\"x\"]"))).isEqualTo("miss");
  }

  @Test
  void listsTheServedModels() throws Exception {
    JsonNode models = modelyard.get("/v1/models", 200);

    assertThat(models.get("object").asString()).isEqualTo("list");
    assertThat(models.at("/data/0/id").asString()).isEqualTo("tiny");
  }

  @Test
  void badRequestsGetOpenAisErrorFormat() throws Exception {
    JsonNode error =
        modelyard.post("/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[]}", 400);
    assertThat(error.at("/error/param").asString()).isEqualTo("messages");
    assertThat(error.at("/error/type").asString()).isEqualTo("invalid_request_error");

    JsonNode unknownModel =
        modelyard.post(
            "/v1/chat/completions",
            "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            404);
    assertThat(unknownModel.at("/error/message").asString())
        .contains("model nope is not registered");

    try {
      openAi
          .chat()
          .completions()
          .create(
              ChatCompletionCreateParams.builder()
                  .model("tiny")
                  .addUserMessage("hi")
                  .temperature(7.0)
                  .build());
      throw new AssertionError("a temperature of 7 was accepted");
    } catch (BadRequestException e) {
      assertThat(e.getMessage()).contains("temperature");
    }
  }

  private static ChatCompletionCreateParams params(double temperature) {
    return ChatCompletionCreateParams.builder()
        .model("tiny")
        .addUserMessage("Hello")
        .maxCompletionTokens(6)
        .temperature(temperature)
        .build();
  }

  private static String stream(String body) throws Exception {
    HttpResponse<String> response =
        modelyard.send(
            HttpRequest.newBuilder(modelyard.base().resolve("/v1/chat/completions")), body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    return response.body();
  }

  private static String cacheHeader(String body) throws Exception {
    HttpResponse<String> response =
        modelyard.send(
            HttpRequest.newBuilder(modelyard.base().resolve("/v1/chat/completions")), body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.headers().firstValue("X-Modelyard-Cache").orElseThrow();
  }
}
