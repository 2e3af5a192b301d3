package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fallback chain ending in a cloud provider, and MONTHLY_COST_LIMIT stopping it. OpenAI's API
 * cannot be reached from here: a local server replays a recorded answer in its real format (the
 * fixture), so this proves our side of the exchange, not OpenAI's.
 */
class GatewayCloudFallbackFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "cloudy-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> received = new CopyOnWriteArrayList<>();

  private static HttpServer openAi;
  private static ApiReplica api;

  @BeforeAll
  static void start() throws Exception {
    byte[] recorded = LoopbackBackends.recordedOpenAiAnswer();
    openAi =
        LoopbackBackends.chat(
            exchange -> {
              received.add(
                  exchange.getRequestHeaders().getFirst("Authorization")
                      + " "
                      + new String(exchange.getRequestBody().readAllBytes()));
              LoopbackBackends.answerJson(exchange, recorded);
            });
    // The recorded answer (24 prompt and 8 completion tokens of gpt-4o-mini) costs $0.0000084:
    // the first fallback fits under the limit, the second finds it spent.
    api =
        LoopbackBackends.fallingBackToCloud(
            "gateway_cloud_" + RUN,
            MODEL,
            openAi,
            "sk-fixture-" + RUN,
            "modelyard.costs.monthly-limit=0.000005");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (openAi != null) {
      openAi.stop(0);
    }
  }

  @Test
  void theCloudServesWhenEveryLocalInstanceFailsUntilTheMonthlyLimitIsReached() throws Exception {
    HttpResponse<String> fallback = chat("first");

    assertThat(fallback.statusCode()).as(fallback.body()).isEqualTo(200);
    assertThat(fallback.headers().firstValue("X-Modelyard-Instance")).hasValue("cloud:openai");
    assertThat(JSON.readTree(fallback.body()).at("/choices/0/message/content").asString())
        .isEqualTo("The capital of France is Paris.");
    assertThat(received).hasSize(1);
    assertThat(received.getFirst())
        .startsWith("Bearer sk-fixture-" + RUN)
        .contains("\"model\":\"gpt-4o-mini\"");

    HttpResponse<String> refused = chat("second");

    assertThat(refused.statusCode()).isEqualTo(402);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("type").asString()).isEqualTo("insufficient_quota");
    assertThat(error.get("message").asString())
        .contains("monthly cost limit of $0.000005 reached")
        .contains("$0.000008 spent")
        .contains("the last instance tried failed:")
        .contains("Connection refused")
        .as("the instance's address stays in the log")
        .doesNotContain("127.0.0.1");
    assertThat(received).as("no second cloud call").hasSize(1);
    assertThat(refused.body()).doesNotContain("sk-fixture");
  }

  private static HttpResponse<String> chat(String prompt) throws Exception {
    return api.post(
        "/v1/chat/completions",
        """
        {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"%s"}]}"""
            .formatted(MODEL, prompt));
  }
}
