package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.ThrowawayRedis;
import dev.modelyard.workflows.models.Provider;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generation cache over HTTP, through two real API replicas that share a database schema and a
 * redis-server of this class's own (so that one test can stop and restart it), in front of a slow
 * loopback backend that counts the calls reaching it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheAcrossReplicasOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "cached-" + RUN;
  private static final Duration BACKEND_DELAY = Duration.ofMillis(500);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static int redisPort;
  private static Process redis;
  private static SlowBackend backend;
  private static ApiReplica first;
  private static ApiReplica second;

  @BeforeAll
  static void start() throws Exception {
    redisPort = ThrowawayRedis.freePort();
    redis = ThrowawayRedis.start(redisPort);
    backend = SlowBackend.answeringAfter(BACKEND_DELAY);
    String schema = "gateway_cache_" + RUN;
    String redisUrl = "modelyard.redis.url=redis://127.0.0.1:" + redisPort;
    first = ApiReplica.start(schema, redisUrl);
    second = ApiReplica.start(schema, redisUrl);
    RegisteredInstances registry = new RegisteredInstances(first);
    String modelId = registry.model(Provider.OPENAI_COMPATIBLE, MODEL, "digest", 4096);
    registry.ready(modelId, "slow-" + RUN, backend.endpoint());
    first.awaitRoutable(Duration.ofSeconds(10), MODEL);
    second.awaitRoutable(Duration.ofSeconds(10), MODEL);
  }

  @AfterAll
  static void stop() {
    for (ApiReplica replica : new ApiReplica[] {first, second}) {
      if (replica != null) {
        replica.close();
      }
    }
    if (backend != null) {
      backend.close();
    }
    if (redis != null) {
      redis.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void identicalConcurrentRequestsMakeOneBackendCallAndAllGetItsAnswer() throws Exception {
    String prompt = "coalesce " + RUN;
    HttpClient client = HttpClient.newHttpClient();
    List<Long> sentAtNanos = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sentAtNanos.add(System.nanoTime());
      answers.add(client.sendAsync(chat(first, prompt), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(backend.calls(prompt)).isEqualTo(1);
    assertThat(sentAtNanos)
        .as("every request was sent while the one backend call was under way")
        .allMatch(sent -> sent < backend.answeredAtNanos(prompt));
    List<String> cacheHeaders = new ArrayList<>();
    String firstBody = answers.getFirst().join().body();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.join();
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(firstBody);
      cacheHeaders.add(response.headers().firstValue("X-Modelyard-Cache").orElseThrow());
    }
    assertThat(JSON.readTree(firstBody).at("/choices/0/message/content").asString())
        .startsWith("answer ");
    assertThat(cacheHeaders)
        .as("the request that called the backend missed, the ones that waited for it hit")
        .containsOnlyOnce("miss")
        .filteredOn("hit"::equals)
        .hasSize(15);
  }

  @Test
  @Order(2)
  void anAnswerOfOneReplicaIsServedByTheOtherFromRedisWithoutABackendCall() throws Exception {
    String prompt = "across replicas " + RUN;
    long redisHitsBefore = cacheStats(second).get("redis_hits").asLong();

    HttpResponse<String> fromFirst = send(first, prompt);
    HttpResponse<String> fromSecond = send(second, prompt);

    assertThat(fromFirst.statusCode()).as(fromFirst.body()).isEqualTo(200);
    assertThat(fromFirst.headers().firstValue("X-Modelyard-Cache")).hasValue("miss");
    assertThat(fromSecond.statusCode()).as(fromSecond.body()).isEqualTo(200);
    assertThat(fromSecond.headers().firstValue("X-Modelyard-Cache")).hasValue("hit");
    assertThat(fromSecond.body()).isEqualTo(fromFirst.body());
    assertThat(backend.calls(prompt)).isEqualTo(1);
    assertThat(cacheStats(second).get("redis_hits").asLong()).isEqualTo(redisHitsBefore + 1);
  }

  @Test
  @Order(3)
  @Timeout(120)
  void generationGoesOnWhileRedisIsDownAndTheReplicasShareAnswersAgainOnceItIsBack()
      throws Exception {
    String before = "before the outage " + RUN;
    HttpResponse<String> cachedBefore = send(first, before);
    assertThat(cachedBefore.statusCode()).isEqualTo(200);

    redis.destroyForcibly().waitFor();
    try {
      String during = "during the outage " + RUN;
      HttpResponse<String> stillCached = timed(() -> send(first, before));
      HttpResponse<String> onFirst = timed(() -> send(first, during));
      HttpResponse<String> onSecond = timed(() -> send(second, during));

      assertThat(stillCached.statusCode()).as(stillCached.body()).isEqualTo(200);
      assertThat(stillCached.headers().firstValue("X-Modelyard-Cache"))
          .as("served from the first replica's own cache")
          .hasValue("hit");
      assertThat(stillCached.body()).isEqualTo(cachedBefore.body());
      assertThat(onFirst.statusCode()).as(onFirst.body()).isEqualTo(200);
      assertThat(onSecond.statusCode()).as(onSecond.body()).isEqualTo(200);
      assertThat(onSecond.headers().firstValue("X-Modelyard-Cache")).hasValue("miss");
      assertThat(backend.calls(during))
          .as("without Redis each replica asks the backend itself")
          .isEqualTo(2);
      assertThat(cacheStats(first).get("redis").asString()).isEqualTo("open");
      assertThat(cacheStats(second).get("redis").asString()).isEqualTo("open");
    } finally {
      redis = ThrowawayRedis.start(redisPort);
    }

    // Each replica lets a request try Redis again a few seconds after it went away.
    for (ApiReplica replica : List.of(first, second)) {
      int[] probe = {0};
      await(
          Duration.ofSeconds(30),
          () -> {
            HttpResponse<String> probed = send(replica, "probe " + probe[0]++ + " " + RUN);
            assertThat(probed.statusCode()).as(probed.body()).isEqualTo(200);
            return cacheStats(replica).get("redis").asString().equals("closed");
          });
    }
    String after = "after the outage " + RUN;
    HttpResponse<String> fromFirst = send(first, after);
    HttpResponse<String> fromSecond = send(second, after);
    assertThat(fromSecond.statusCode()).as(fromSecond.body()).isEqualTo(200);
    assertThat(fromSecond.headers().firstValue("X-Modelyard-Cache")).hasValue("hit");
    assertThat(fromSecond.body()).isEqualTo(fromFirst.body());
    assertThat(backend.calls(after)).isEqualTo(1);
  }

  /** Sends a request that must be answered within a bound: an outage costs no hang. */
  private static HttpResponse<String> timed(Call call) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = call.send();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("answered in bounded time")
        .isLessThan(BACKEND_DELAY.plusSeconds(5));
    return response;
  }

  private static void await(Duration atMost, Condition condition) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("condition met within " + atMost).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static JsonNode cacheStats(ApiReplica replica) throws Exception {
    return JSON.readTree(replica.send("GET", "/api/v1/local-llm/metrics/cache", null).body());
  }

  private static HttpResponse<String> send(ApiReplica replica, String prompt) throws Exception {
    return replica.post("/v1/chat/completions", body(prompt));
  }

  private static HttpRequest chat(ApiReplica replica, String prompt) {
    return HttpRequest.newBuilder(replica.base().resolve("/v1/chat/completions"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body(prompt)))
        .build();
  }

  /** A deterministic request (temperature 0), so the gateway may cache its answer. */
  private static String body(String prompt) {
    return """
        {"model":"%s","temperature":0,"max_tokens":8,
         "messages":[{"role":"user","content":"%s"}]}"""
        .formatted(MODEL, prompt);
  }

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }
}
