package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.EngineRunner;
import dev.modelyard.infra.engine.LlamaEngine;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.models.Provider;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router against three real engine runners serving the tiny model, registered in the real
 * registry: every strategy that does not depend on timing, change notifications, the other OpenAI
 * endpoints, and the cache shared by two API replicas through the real Redis.
 */
class GatewayRoutingTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final List<EngineRunner> runners = new ArrayList<>();
  private static final List<String> instanceIds = new ArrayList<>();
  private static ApiReplica api;
  private static RegisteredInstances registry;
  private static String modelId;

  @BeforeAll
  static void start() {
    // A periodic refresh far beyond the test: only change notifications can update the table.
    api =
        ApiReplica.start(
            "gateway_routing_" + RUN,
            "modelyard.gateway.table-refresh=10m",
            "modelyard.gateway.default-strategy=round_robin");
    registry = new RegisteredInstances(api);
    modelId = registry.model(Provider.LOCAL_GGUF, "tiny-" + RUN, "digest-1", 512);
    for (int i = 0; i < 3; i++) {
      EngineRunner runner =
          EngineRunner.start(
              "tiny", LlamaEngine.load(TestServices.tinyModel(), EngineOptions.of(512, 1, 2)), 0);
      runners.add(runner);
      instanceIds.add("routing-" + RUN + "-" + i);
      registry.ready(modelId, instanceIds.get(i), runner.endpoint());
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    runners.forEach(EngineRunner::close);
  }

  @Test
  void roundRobinTakesEachInstanceInTurn() throws Exception {
    strategy("round_robin", null);

    Map<String, Integer> served = spread(9, i -> "hello " + i);

    assertThat(served)
        .containsOnlyKeys(instanceIds)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(3));
  }

  @Test
  void weightedFollowsTheWeightsAndSendsNothingToWeightZero() throws Exception {
    strategy(
        "weighted",
        "{\"%s\":3,\"%s\":1,\"%s\":0}"
            .formatted(instanceIds.get(0), instanceIds.get(1), instanceIds.get(2)));

    Map<String, Integer> served = spread(60, i -> "weighted " + i);

    assertThat(served).doesNotContainKey(instanceIds.get(2));
    assertThat(served.get(instanceIds.get(0))).isGreaterThan(served.get(instanceIds.get(1)));
    strategy("round_robin", "{\"%s\":1,\"%s\":1,\"%s\":1}".formatted(instanceIds.toArray()));
  }

  @Test
  void aRoutingChangeNamingAnUnknownInstanceChangesNothing() throws Exception {
    strategy("round_robin", "{\"%s\":1,\"%s\":1,\"%s\":1}".formatted(instanceIds.toArray()));

    HttpResponse<String> refused =
        api.send(
            "PUT",
            "/api/v1/local-llm/models/routing",
            """
            {"provider":"local_gguf","model_name":"tiny-%s","strategy":"weighted",\
            "weights":{"%s":7,"no-such-instance":5}}"""
                .formatted(RUN, instanceIds.getFirst()));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
    JsonNode view = routingView("local_gguf", "tiny-" + RUN);
    assertThat(view.get("strategy").asString()).isEqualTo("round_robin");
    assertThat(view.get("instances").valueStream().map(i -> i.get("weight").asInt()))
        .containsOnly(1);
  }

  @Test
  void healthScoreWeightedGivesAnUnhealthyInstanceLittle() throws Exception {
    strategy("health_score_weighted", null);
    registry.healthScore(instanceIds.get(2), 0);
    try {
      awaitHealthScore(instanceIds.get(2), 0);
      Map<String, Integer> served = spread(40, i -> "health " + i);

      assertThat(served).containsKeys(instanceIds.get(0), instanceIds.get(1));
      assertThat(served).doesNotContainKey(instanceIds.get(2));
    } finally {
      registry.healthScore(instanceIds.get(2), 100);
    }
  }

  @Test
  void prefixAffinityKeepsAConversationOnOneInstance() throws Exception {
    strategy("prefix_affinity", null);
    Set<String> used = new HashSet<>();
    for (int conversation = 0; conversation < 8; conversation++) {
      Set<String> servedThis = new HashSet<>();
      for (int turn = 0; turn < 3; turn++) {
        String body =
            """
            {"model":"tiny-%s","max_tokens":2,"messages":[
              {"role":"system","content":"You are assistant number %d."},
              {"role":"user","content":"question %d"}]}"""
                .formatted(RUN, conversation, turn);
        servedThis.add(instanceOf(api.post("/v1/chat/completions", body)));
      }
      assertThat(servedThis).as("conversation %d", conversation).hasSize(1);
      used.addAll(servedThis);
    }
    assertThat(used).as("eight conversations spread over instances").hasSizeGreaterThan(1);
  }

  @Test
  void aNewInstanceIsRoutableAsSoonAsItIsRegisteredAndGoneWhenStopped() throws Exception {
    String id = "routing-" + RUN + "-late";
    long start = System.nanoTime();
    registry.ready(modelId, id, runners.getFirst().endpoint());
    while (!routedInstances().contains(id)) {
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until routable").isLessThan(1000);
      Thread.sleep(20);
    }

    registry.stopped(id);
    start = System.nanoTime();
    while (routedInstances().contains(id)) {
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until gone").isLessThan(1000);
      Thread.sleep(20);
    }
  }

  @Test
  void legacyCompletionsAreServedByTheEngineRunners() throws Exception {
    HttpResponse<String> response =
        api.post(
            "/v1/completions",
            """
            {"model":"tiny-%s","prompt":"Once upon a time","max_tokens":4,"temperature":0}"""
                .formatted(RUN));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("object").asString()).isEqualTo("text_completion");
    assertThat(body.at("/choices/0/text").isString()).isTrue();
    assertThat(body.at("/usage/completion_tokens").asInt()).isPositive();
  }

  @Test
  void embeddingsGoToABackendThatMakesThemAndAreCached() throws Exception {
    // A digest of this run: Redis keeps cached answers for an hour, across runs.
    String ollamaModel = registry.model(Provider.LOCAL_OLLAMA, "tiny", "ollama-" + RUN, 512);
    registry.ready(ollamaModel, "ollama-" + RUN, URI.create(TestServices.get("OLLAMA_HOST")));
    awaitRoutable("local_ollama", "tiny", "ollama-" + RUN);
    String body = "{\"model\":\"tiny\",\"input\":[\"hello\",\"world\"]}";

    HttpResponse<String> first = api.post("/v1/embeddings", body);
    HttpResponse<String> second = api.post("/v1/embeddings", body);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).get("data")).hasSize(2);
    assertThat(first.headers().firstValue("X-Modelyard-Cache")).hasValue("miss");
    assertThat(second.headers().firstValue("X-Modelyard-Cache")).hasValue("hit");
    assertThat(second.body()).isEqualTo(first.body());

    HttpResponse<String> engineOnly =
        api.post("/v1/embeddings", "{\"model\":\"tiny-%s\",\"input\":\"hello\"}".formatted(RUN));
    assertThat(engineOnly.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(engineOnly.body()).at("/error/message").asString())
        .contains("/v1/embeddings");
  }

  @Test
  void aDeterministicAnswerCachedByOneReplicaIsServedByAnother() throws Exception {
    try (ApiReplica other = ApiReplica.start("gateway_routing_" + RUN)) {
      String body =
          """
          {"model":"tiny-%s","max_tokens":3,"temperature":0,"seed":1,
           "messages":[{"role":"user","content":"shared %s"}]}"""
              .formatted(RUN, UUID.randomUUID());

      HttpResponse<String> first = api.post("/v1/chat/completions", body);
      HttpResponse<String> second = other.post("/v1/chat/completions", body);

      assertThat(first.headers().firstValue("X-Modelyard-Cache")).hasValue("miss");
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.headers().firstValue("X-Modelyard-Cache")).hasValue("hit");
      assertThat(second.body()).isEqualTo(first.body());
      JsonNode stats =
          JSON.readTree(other.send("GET", "/api/v1/local-llm/metrics/cache", null).body());
      assertThat(stats.get("redis_hits").asLong()).isEqualTo(1);
    }
  }

  @Test
  void theCacheIsClearedByCategoryAndModel() throws Exception {
    String body =
        """
        {"model":"tiny-%s","max_tokens":2,"temperature":0,
         "messages":[{"role":"user","content":"clear me %s"}]}"""
            .formatted(RUN, UUID.randomUUID());
    api.post("/v1/chat/completions", body);

    HttpResponse<String> wrongModel =
        api.send("DELETE", "/api/v1/local-llm/cache/clear?category=chat&model=other", null);
    HttpResponse<String> cleared =
        api.send("DELETE", "/api/v1/local-llm/cache/clear?category=chat&model=tiny-" + RUN, null);
    HttpResponse<String> unknown =
        api.send("DELETE", "/api/v1/local-llm/cache/clear?category=pictures", null);

    assertThat(JSON.readTree(wrongModel.body()).get("removed_in_process").asLong()).isZero();
    assertThat(JSON.readTree(cleared.body()).get("removed_in_process").asLong()).isPositive();
    assertThat(JSON.readTree(cleared.body()).get("removed_redis").asLong()).isPositive();
    assertThat(api.post("/v1/chat/completions", body).headers().firstValue("X-Modelyard-Cache"))
        .hasValue("miss");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("category");
  }

  @Test
  void flushExpiredDropsAnswersOfAReplacedModelVersion() throws Exception {
    String flushModel = registry.model(Provider.LOCAL_GGUF, "flush-" + RUN, "v1", 512);
    registry.ready(flushModel, "flush-" + RUN, runners.getFirst().endpoint());
    awaitRoutable("flush-" + RUN);
    String body =
        "{\"model\":\"flush-%s\",\"max_tokens\":2,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"v\"}]}"
            .formatted(RUN);
    api.post("/v1/chat/completions", body);

    HttpResponse<String> unchanged = api.post("/api/v1/local-llm/cache/flush-expired", "");
    registry.model(Provider.LOCAL_GGUF, "flush-" + RUN, "v2", 512);
    Thread.sleep(300); // the routing change notification
    HttpResponse<String> flushed = api.post("/api/v1/local-llm/cache/flush-expired", "");

    assertThat(JSON.readTree(unchanged.body()).get("removed_redis").asLong()).isZero();
    assertThat(JSON.readTree(flushed.body()).get("removed_in_process").asLong()).isEqualTo(1);
    assertThat(JSON.readTree(flushed.body()).get("removed_redis").asLong()).isEqualTo(1);
  }

  private static void awaitRoutable(String instanceId) throws Exception {
    for (int i = 0; i < 100 && !routedInstances().contains(instanceId); i++) {
      Thread.sleep(20);
    }
    assertThat(routedInstances()).contains(instanceId);
  }

  /** Waits for the change notification to bring an instance into the routing table. */
  private static void awaitRoutable(String provider, String model, String instanceId)
      throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode view = routingView(provider, model);
      for (JsonNode instance : view.get("instances")) {
        if (instance.get("instance_id").asString().equals(instanceId)) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(instanceId + " never became routable");
  }

  /** Waits for the change notification to bring an instance's new health score to the table. */
  private static void awaitHealthScore(String instanceId, int score) throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode view = routingView("local_gguf", "tiny-" + RUN);
      for (JsonNode instance : view.get("instances")) {
        if (instance.get("instance_id").asString().equals(instanceId)
            && instance.get("health_score").asInt() == score) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(instanceId + " never reached health score " + score);
  }

  /** The model's routing as GET /models/routing shows it. */
  private static JsonNode routingView(String provider, String model) throws Exception {
    return JSON.readTree(
        api.send(
                "GET",
                "/api/v1/local-llm/models/routing?provider=" + provider + "&model_name=" + model,
                null)
            .body());
  }

  private static Set<String> routedInstances() throws Exception {
    Set<String> ids = new HashSet<>();
    for (String model : List.of("tiny-" + RUN, "flush-" + RUN)) {
      JsonNode view = routingView("local_gguf", model);
      view.get("instances").forEach(i -> ids.add(i.get("instance_id").asString()));
    }
    return ids;
  }

  private static void strategy(String strategy, String weights) throws Exception {
    HttpResponse<String> response =
        api.send(
            "PUT",
            "/api/v1/local-llm/models/routing",
            """
            {"provider":"local_gguf","model_name":"tiny-%s","strategy":"%s"%s}"""
                .formatted(RUN, strategy, weights == null ? "" : ",\"weights\":" + weights));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("strategy").asString()).isEqualTo(strategy);
  }

  private static Map<String, Integer> spread(
      int requests, java.util.function.IntFunction<String> prompt) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      String body =
          """
          {"model":"tiny-%s","max_tokens":1,"messages":[{"role":"user","content":"%s"}]}"""
              .formatted(RUN, prompt.apply(i));
      served.merge(instanceOf(api.post("/v1/chat/completions", body)), 1, Integer::sum);
    }
    return served;
  }

  private static String instanceOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.headers().firstValue("X-Modelyard-Instance").orElseThrow();
  }
}
