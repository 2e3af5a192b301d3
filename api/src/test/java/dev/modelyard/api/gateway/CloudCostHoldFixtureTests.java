package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MONTHLY_COST_LIMIT against cloud calls made at once. OpenAI's API cannot be reached from here: a
 * local server replays a recorded answer in its real format (the fixture), after a pause that keeps
 * the calls under way together.
 */
class CloudCostHoldFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "held-" + RUN;
  private static final AtomicInteger calls = new AtomicInteger();

  /** Calls stay under way until the test lets them answer. */
  private static final Semaphore answers = new Semaphore(0);

  private static HttpServer openAi;
  private static ApiReplica api;

  @BeforeAll
  static void start() throws Exception {
    openAi =
        LoopbackBackends.replayingThrough(LoopbackBackends.recordedOpenAiAnswer(), calls, answers);
    // A call of gpt-4o-mini with max_tokens 10,000 may cost up to $0.006 ($0.60 a million out):
    // under a $0.01 limit the first two may run together, not a third. Each then costs $0.0000084.
    api =
        LoopbackBackends.fallingBackToCloud(
            "cloud_hold_" + RUN,
            MODEL,
            openAi,
            "sk-fixture-" + RUN,
            "modelyard.costs.monthly-limit=0.01");
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
  @Timeout(60)
  void cloudCallsUnderWayHoldWhatTheyMayCostAgainstTheLimit() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        replies.add(clients.submit(() -> chat("together " + n)));
      }
      // Two calls under way hold the limit: the other three are refused while they wait.
      awaitUntil(() -> calls.get() == 2 && replies.stream().filter(Future::isDone).count() == 3);
      answers.release(2);
      for (Future<HttpResponse<String>> reply : replies) {
        statuses.add(reply.get(30, TimeUnit.SECONDS).statusCode());
      }
    }

    assertThat(statuses).filteredOn(status -> status == 200).hasSize(2);
    assertThat(statuses).filteredOn(status -> status == 402).hasSize(3);
    assertThat(calls).hasValue(2);

    // Their holds went with them: what they cost, $0.0000168, leaves room for more.
    answers.release();
    HttpResponse<String> after = chat("after");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(calls).hasValue(3);
  }

  @Test
  @Timeout(60)
  void aCallAskingForSeveralAnswersHoldsWhatAllOfThemMayCost() throws Exception {
    int before = calls.get();
    List<Integer> statuses = new ArrayList<>();
    try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        // Two answers of up to 10,000 tokens each may cost $0.012: the first call's hold alone
        // reaches the $0.01 limit, so the second, made meanwhile, must wait for next month.
        replies.add(
            clients.submit(
                () ->
                    api.post(
                        "/v1/chat/completions",
                        """
                        {"model":"%s","max_tokens":10000,"n":2,
                         "messages":[{"role":"user","content":"two answers"}]}"""
                            .formatted(MODEL))));
      }
      awaitUntil(
          () -> calls.get() - before == 1 && replies.stream().filter(Future::isDone).count() == 1);
      answers.release();
      for (Future<HttpResponse<String>> reply : replies) {
        statuses.add(reply.get(30, TimeUnit.SECONDS).statusCode());
      }
    }

    assertThat(statuses).containsExactlyInAnyOrder(200, 402);
    assertThat(calls.get() - before).isEqualTo(1);
  }

  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "calls and replies not as expected within 30 s: " + calls.get() + " calls");
      }
      Thread.sleep(10);
    }
  }

  private static HttpResponse<String> chat(String prompt) throws Exception {
    return api.post(
        "/v1/chat/completions",
        """
        {"model":"%s","max_tokens":10000,"messages":[{"role":"user","content":"%s"}]}"""
            .formatted(MODEL, prompt));
  }
}
