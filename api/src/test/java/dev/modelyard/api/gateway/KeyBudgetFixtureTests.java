package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.infra.costs.CostLedger;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A key's own {@code monthly_budget_usd} through the real API, on two replicas sharing one schema.
 * As in {@link GatewayCloudFallbackFixtureTests}, a local server replays OpenAI's recorded answer
 * (the fixture), here with its usage raised to 1,000 prompt and 500 completion tokens of
 * gpt-4o-mini, so that each cloud call costs $0.00045: a key with a budget of $0.0004 gets its
 * first call and is refused the next one.
 */
class KeyBudgetFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "budgeted-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final AtomicInteger cloudCalls = new AtomicInteger();
  private static final HttpClient http = HttpClient.newHttpClient();

  private static HttpServer openAi;
  private static ApiReplica api;
  private static ApiReplica otherReplica;

  @BeforeAll
  static void start() throws Exception {
    ObjectNode answer;
    try (InputStream fixture =
        KeyBudgetFixtureTests.class.getResourceAsStream(
            "/fixtures/cloud/openai-chat-completion.json")) {
      answer = (ObjectNode) JSON.readTree(fixture);
    }
    ((ObjectNode) answer.get("usage"))
        .put("prompt_tokens", 1_000)
        .put("completion_tokens", 500)
        .put("total_tokens", 1_500);
    byte[] recorded = JSON.writeValueAsBytes(answer);
    openAi = LoopbackBackends.replaying(recorded, cloudCalls, Duration.ZERO);
    String[] properties = LoopbackBackends.cloudFallback(MODEL, openAi, "sk-fixture-" + RUN);
    api = ApiReplica.start("key_budgets_" + RUN, properties);
    otherReplica = ApiReplica.start("key_budgets_" + RUN, properties);
    // Every request falls back to the cloud.
    LoopbackBackends.onlyARefusingInstance(api, MODEL, "gone-" + RUN);
  }

  @AfterAll
  static void stop() {
    for (ApiReplica replica : new ApiReplica[] {api, otherReplica}) {
      if (replica != null) {
        replica.close();
      }
    }
    if (openAi != null) {
      openAi.stop(0);
    }
  }

  @Test
  void aKeyIsRefusedOnceItsBudgetIsSpentOnEveryReplicaWhileAnotherKeyGoesOn() throws Exception {
    Key tiny = createKey("tiny-" + RUN, "0.0004");
    Key roomy = createKey("roomy-" + RUN, "1");

    HttpResponse<String> first = chat(api, tiny, "first");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Modelyard-Instance")).hasValue("cloud:openai");
    int callsBeforeRefusal = cloudCalls.get();

    HttpResponse<String> refused = chat(api, tiny, "second");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("type").asString()).isEqualTo("insufficient_quota");
    assertThat(error.get("message").asString())
        .contains(
            "no cloud fallback: API key 'tiny-"
                + RUN
                + "' reached its monthly budget of $0.0004:"
                + " $0.00045 spent since ")
        .contains("the last instance tried failed:");
    assertThat(cloudCalls.get())
        .as("no cloud call for the refused key")
        .isEqualTo(callsBeforeRefusal);

    HttpResponse<String> problem =
        send(
            api,
            tiny,
            "/api/v1/local-llm/generate",
            """
            {"prompt":"third","model_preference":"%s","max_tokens":8}"""
                .formatted(MODEL));
    assertThat(problem.statusCode()).as(problem.body()).isEqualTo(402);
    assertThat(problem.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(problem.body()).get("detail").asString())
        .contains("API key 'tiny-" + RUN + "' reached its monthly budget of $0.0004");

    HttpResponse<String> other = chat(api, roomy, "another key");
    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    HttpResponse<String> admin = api.post("/v1/chat/completions", body("a key without budget"));
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);

    // The other replica learns the key's spend from the cost table at its next refresh.
    CostLedger itsLedger = otherReplica.bean(CostLedger.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (itsLedger.spentThisMonthBy(tiny.callerId()).compareTo(new BigDecimal("0.0004")) < 0
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    HttpResponse<String> elsewhere = chat(otherReplica, tiny, "on the other replica");
    assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(402);
    assertThat(chat(otherReplica, roomy, "roomy elsewhere").statusCode()).isEqualTo(200);
  }

  private record Key(String secret, String callerId) {}

  private static Key createKey(String name, String budget) throws Exception {
    HttpResponse<String> created =
        api.post(
            "/api/v1/local-llm/keys",
            """
            {"name":"%s","roles":["user"],"monthly_budget_usd":%s}"""
                .formatted(name, budget));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode json = JSON.readTree(created.body());
    return new Key(json.get("key").asString(), "key:" + json.at("/details/key_id").asString());
  }

  private static HttpResponse<String> chat(ApiReplica replica, Key key, String prompt)
      throws Exception {
    return send(replica, key, "/v1/chat/completions", body(prompt));
  }

  private static String body(String prompt) {
    return """
        {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"%s"}]}"""
        .formatted(MODEL, prompt);
  }

  private static HttpResponse<String> send(ApiReplica replica, Key key, String path, String json)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(replica.base().resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key.secret())
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
