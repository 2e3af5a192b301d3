package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MONTHLY_COST_LIMIT against cloud calls started at once on two API replicas of one deployment:
 * they hold against one limit through Redis. And a replica whose Redis is away still holds its own
 * calls. OpenAI's API cannot be reached from here: a local server replays a recorded answer in its
 * real format (the fixture), after a pause that keeps the calls under way together.
 */
class CloudCostHoldsAcrossReplicasFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "held-across-" + RUN;
  // A call of gpt-4o-mini with max_tokens 10,000 may cost up to $0.006: under $0.01 two may run
  // together, not a third. Each then costs $0.0000084.
  private static final String LIMIT = "modelyard.costs.monthly-limit=0.01";
  private static final AtomicInteger calls = new AtomicInteger();

  private static HttpServer openAi;
  private static final List<ApiReplica> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    openAi =
        LoopbackBackends.replaying(
            LoopbackBackends.recordedOpenAiAnswer(), calls, Duration.ofMillis(1_500));
  }

  @AfterAll
  static void stop() {
    replicas.forEach(ApiReplica::close);
    if (openAi != null) {
      openAi.stop(0);
    }
  }

  @Test
  @Timeout(90)
  void callsStartedOnTwoReplicasAtOnceHoldAgainstOneLimit() throws Exception {
    String schema = "cloud_holds_across_" + RUN;
    ApiReplica first = replica(schema);
    ApiReplica second = replica(schema);
    LoopbackBackends.onlyARefusingInstance(first, MODEL, "gone-" + RUN);
    int before = calls.get();

    List<Integer> statuses = together(List.of(first, second, first, second, first, second));

    assertThat(statuses).filteredOn(status -> status == 200).hasSize(2);
    assertThat(statuses).filteredOn(status -> status == 402).hasSize(4);
    assertThat(calls.get() - before).isEqualTo(2);
    HttpResponse<String> after = chat(second, "after");
    assertThat(after.statusCode()).as("their holds went with them: " + after.body()).isEqualTo(200);
  }

  @Test
  @Timeout(90)
  void aReplicaWhoseRedisIsAwayStillHoldsItsOwnCalls() throws Exception {
    ApiReplica alone;
    try (ServerSocket closed = new ServerSocket(0)) {
      alone =
          replica(
              "cloud_holds_alone_" + RUN,
              "modelyard.redis.url=redis://127.0.0.1:" + closed.getLocalPort());
    }
    LoopbackBackends.onlyARefusingInstance(alone, MODEL, "gone-alone-" + RUN);
    int before = calls.get();

    List<Integer> statuses = together(List.of(alone, alone, alone, alone, alone));

    assertThat(statuses).filteredOn(status -> status == 200).hasSize(2);
    assertThat(statuses).filteredOn(status -> status == 402).hasSize(3);
    assertThat(calls.get() - before).isEqualTo(2);
  }

  private static ApiReplica replica(String schema, String... more) {
    List<String> properties = new ArrayList<>(List.of(LIMIT));
    properties.addAll(List.of(more));
    ApiReplica replica =
        ApiReplica.start(
            schema,
            LoopbackBackends.cloudFallback(
                MODEL, openAi, "sk-fixture-" + RUN, properties.toArray(String[]::new)));
    replicas.add(replica);
    return replica;
  }

  private static List<Integer> together(List<ApiReplica> senders) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < senders.size(); i++) {
        ApiReplica sender = senders.get(i);
        String prompt = "together " + i;
        answers.add(clients.submit(() -> chat(sender, prompt)));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        statuses.add(answer.get(30, TimeUnit.SECONDS).statusCode());
      }
    }
    return statuses;
  }

  private static HttpResponse<String> chat(ApiReplica replica, String prompt) throws Exception {
    return replica.post(
        "/v1/chat/completions",
        """
        {"model":"%s","max_tokens":10000,"messages":[{"role":"user","content":"%s"}]}"""
            .formatted(MODEL, prompt));
  }
}
