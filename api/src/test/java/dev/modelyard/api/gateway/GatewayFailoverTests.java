package dev.modelyard.api.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.runtime.InstanceSpec;
import dev.modelyard.infra.runtime.LocalProcessRuntime;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.models.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Failure paths against real instance processes (one JVM each, killed with SIGKILL): failover under
 * load, the circuit breaker opening and closing, the first-token timeout on a backend that accepts
 * connections and never answers, and a client that goes away mid-stream.
 */
class GatewayFailoverTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "failover-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path logs;
  private static LocalProcessRuntime runtime;
  private static ApiReplica api;
  private static RegisteredInstances registry;
  private static String modelId;

  @BeforeAll
  static void start() {
    api =
        ApiReplica.start(
            "gateway_failover_" + RUN,
            "modelyard.gateway.breaker-open-duration=1s",
            "modelyard.gateway.first-token-timeout=1s",
            // A non-streamed answer's first byte is the whole answer: only the total bounds it.
            "modelyard.gateway.total-timeout=4s",
            "modelyard.gateway.retry-backoff=20ms");
    registry = new RegisteredInstances(api);
    modelId = registry.model(Provider.LOCAL_GGUF, MODEL, "digest", 512);
    runtime = new LocalProcessRuntime(logs);
    for (String name : List.of("a", "b")) {
      registry.ready(modelId, id(name), runtime.start(spec(name)));
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void anInstanceKilledUnderLoadCostsNoClientAnErrorAndItsCircuitOpensThenCloses()
      throws Exception {
    AtomicInteger done = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(1);
    List<Future<Integer>> statuses = new ArrayList<>();
    try (var clients = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 80; i++) {
        int n = i;
        statuses.add(
            clients.submit(
                () -> {
                  int status = chat(MODEL, "load " + n).statusCode();
                  if (done.incrementAndGet() == 30) {
                    halfway.countDown();
                  }
                  return status;
                }));
      }
      assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
      ProcessHandle b = runtime.process(id("b")).orElseThrow();
      b.destroyForcibly();
      b.onExit().get(15, TimeUnit.SECONDS);
      for (Future<Integer> status : statuses) {
        assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    }
    // Requests after the kill found b refusing connections until its circuit opened.
    for (int i = 0; i < 6; i++) {
      assertThat(chat(MODEL, "after " + i).headers().firstValue("X-Modelyard-Instance"))
          .hasValue(id("a"));
    }
    assertThat(circuitOf(id("b"))).isEqualTo("open");

    // b comes back (a new process, a new port, as a restart by the health workflow does).
    registry.ready(modelId, id("b"), runtime.start(spec("b")));
    Thread.sleep(1_200); // the breaker's open time: then one trial call goes through
    boolean servedByB = false;
    for (int i = 0; i < 20 && !servedByB; i++) {
      servedByB =
          chat(MODEL, "back " + i)
              .headers()
              .firstValue("X-Modelyard-Instance")
              .orElseThrow()
              .equals(id("b"));
    }
    assertThat(servedByB).as("b serves again").isTrue();
    assertThat(circuitOf(id("b"))).isEqualTo("closed");
  }

  @Test
  void aBackendThatNeverAnswersTimesOutAndTheNextInstanceServes() throws Exception {
    String stuck = "stuck-" + RUN;
    String stuckModel = registry.model(Provider.OPENAI_COMPATIBLE, stuck, "digest", 512);
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      registry.ready(
          stuckModel, "silent-" + RUN, URI.create("http://127.0.0.1:" + silent.getLocalPort()));
      registry.ready(stuckModel, "alive-" + RUN, runtime.endpoint(id("a")).orElseThrow());
      roundRobin(stuck);

      for (int i = 0; i < 4; i++) {
        long start = System.nanoTime();
        HttpResponse<String> response = chat(stuck, "stuck " + i);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Modelyard-Instance")).hasValue("alive-" + RUN);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      }
      HttpResponse<String> streamed =
          api.post(
              "/v1/chat/completions",
              """
              {"model":"%s","max_tokens":3,"stream":true,
               "messages":[{"role":"user","content":"stream past the silent one"}]}"""
                  .formatted(stuck));
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body()).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n");
    }
  }

  @Test
  void anInstanceThatRanOutTheDeadlineIsNotAskedAgainInALaterRound() throws Exception {
    String hung = "hung-" + RUN;
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch released = new CountDownLatch(1);
    HttpServer backend =
        LoopbackBackends.chat(
            exchange -> {
              exchange.getRequestBody().readAllBytes();
              calls.incrementAndGet();
              try {
                released.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exchange.close();
            });
    try {
      String hungModel = registry.model(Provider.OPENAI_COMPATIBLE, hung, "digest", 512);
      registry.ready(hungModel, "hung-" + RUN, LoopbackBackends.endpointOf(backend));
      api.awaitRoutable(Duration.ofSeconds(2), hung);

      HttpResponse<String> response = chat(hung, "anyone there?");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat(response.body()).contains("HttpTimeoutException");
      // Before, the retry round waited out the whole deadline again.
      assertThat(calls).hasValue(1);
    } finally {
      released.countDown();
      backend.stop(0);
    }
  }

  @Test
  void aClientThatGoesAwayMidStreamClosesTheUpstreamRequest() throws Exception {
    String slow = "slow-" + RUN;
    CountDownLatch upstreamClosed = new CountDownLatch(1);
    AtomicInteger eventsSent = new AtomicInteger();
    HttpServer backend =
        LoopbackBackends.chat(
            exchange -> {
              exchange.getRequestBody().readAllBytes();
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 600; i++) {
                  out.write(
                      ("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                              + "\"delta\":{\"content\":\"w"
                              + i
                              + " \"}}]}\n\n")
                          .getBytes(StandardCharsets.UTF_8));
                  out.flush();
                  eventsSent.incrementAndGet();
                  Thread.sleep(50);
                }
              } catch (IOException e) {
                upstreamClosed.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try {
      String slowModel = registry.model(Provider.OPENAI_COMPATIBLE, slow, "digest", 4096);
      registry.ready(slowModel, "slow-" + RUN, LoopbackBackends.endpointOf(backend));
      api.awaitRoutable(Duration.ofSeconds(2), slow);

      HttpResponse<InputStream> stream =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(api.base().resolve("/v1/chat/completions"))
                      .header("Content-Type", "application/json")
                      .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              """
                              {"model":"%s","stream":true,"messages":[{"role":"user","content":"go on"}]}"""
                                  .formatted(slow)))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      byte[] some = stream.body().readNBytes(200);
      assertThat(new String(some, StandardCharsets.UTF_8)).contains("data: ");
      stream.body().close();

      assertThat(upstreamClosed.await(10, TimeUnit.SECONDS))
          .as("the backend's stream was closed after the client left")
          .isTrue();
      assertThat(eventsSent.get()).isLessThan(600);
      JsonNode audited = awaitAudited(slow);
      assertThat(audited.get("instance_id").asString()).isEqualTo("slow-" + RUN);
      assertThat(audited.get("status").asInt())
          .as("a client that left: neither a success nor the gateway's failure")
          .isEqualTo(499);
      assertThat(audited.get("completion_tokens").asInt())
          .as("the events relayed before the client left are counted")
          .isPositive();
      assertThat(audited.get("prompt_tokens").asInt()).isPositive();
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void aStreamCutShortOrReportingAnErrorEndsInAnErrorEventAndIsNotCached() throws Exception {
    String flaky = "flaky-" + RUN;
    AtomicInteger calls = new AtomicInteger();
    HttpServer backend =
        LoopbackBackends.chat(
            exchange -> {
              calls.incrementAndGet();
              String request = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(CHUNK.getBytes(UTF_8));
                if (request.contains("vllm")) {
                  // vLLM reports a failure mid-stream as an event, then ends properly.
                  out.write(
                      "data: {\"object\":\"error\",\"message\":\"out of KV cache\"}\n\n"
                          .getBytes(UTF_8));
                  out.write("data: [DONE]\n\n".getBytes(UTF_8));
                } else {
                  // llama.cpp's server: an error line that is no event, then the body ends.
                  out.write(
                      "error: {\"code\":500,\"message\":\"slot failed\"}\n\n".getBytes(UTF_8));
                }
              }
            });
    try {
      for (String kind : List.of("llama.cpp", "vllm")) {
        // A model and instance of each kind: each has a breaker of its own.
        String model = flaky + "-" + kind;
        String instance = "flaky-" + kind + "-" + RUN;
        String modelId = registry.model(Provider.OPENAI_COMPATIBLE, model, "digest", 4096);
        registry.ready(modelId, instance, LoopbackBackends.endpointOf(backend));
        api.awaitRoutable(Duration.ofSeconds(2), model);
        String body =
            """
            {"model":"%s","stream":true,"temperature":0,
             "messages":[{"role":"user","content":"%s"}]}"""
                .formatted(model, kind);
        int before = calls.get();
        for (int i = 0; i < 2; i++) {
          HttpResponse<String> streamed = api.post("/v1/chat/completions", body);
          assertThat(streamed.statusCode()).isEqualTo(200);
          assertThat(streamed.headers().firstValue("X-Modelyard-Cache"))
              .as("%s, request %d: an answer that failed is never replayed", kind, i)
              .hasValue("miss");
          assertThat(streamed.body()).contains("\"content\":\"part\"");
          if (kind.equals("vllm")) {
            assertThat(streamed.body()).contains("out of KV cache").endsWith("data: [DONE]\n\n");
          } else {
            assertThat(streamed.body())
                .contains("\"type\":\"server_error\"")
                .contains("before the answer was complete")
                .doesNotContain("[DONE]");
          }
        }
        assertThat(calls.get() - before).isEqualTo(2);
        // Each stream's first event was a success, its failure after it a failure: at half
        // failed, the instance's breaker opens, and its next streams go elsewhere.
        assertThat(circuitOf("openai_compatible", model, instance))
            .as("%s: failures after the first event count against the instance", kind)
            .isEqualTo("open");
      }
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void theUsageChunkReachesOnlyClientsThatAskedAndASilenceMidStreamEndsInAnErrorEvent()
      throws Exception {
    String talker = "talker-" + RUN;
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer backend =
        LoopbackBackends.chat(
            exchange -> {
              String request = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
              requests.add(request);
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(CHUNK.getBytes(UTF_8));
                out.flush();
                if (request.contains("fall silent")) {
                  // Longer than the first-token timeout, which also bounds silences.
                  Thread.sleep(3_000);
                  return;
                }
                // As vLLM and OpenAI end a stream asked for usage: a chunk without choices.
                out.write(
                    ("data: {\"object\":\"chat.completion.chunk\",\"choices\":[],"
                            + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,"
                            + "\"total_tokens\":8}}\n\n")
                        .getBytes(UTF_8));
                out.write("data: [DONE]\n\n".getBytes(UTF_8));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try {
      String model = registry.model(Provider.OPENAI_COMPATIBLE, talker, "digest", 4096);
      registry.ready(model, "talker-" + RUN, LoopbackBackends.endpointOf(backend));
      api.awaitRoutable(Duration.ofSeconds(2), talker);

      HttpResponse<String> notAsked =
          api.post(
              "/v1/chat/completions",
              """
              {"model":"%s","stream":true,"stream_options":{"continuous_usage_stats":true},
               "messages":[{"role":"user","content":"hello"}]}"""
                  .formatted(talker));
      HttpResponse<String> asked =
          api.post(
              "/v1/chat/completions",
              """
              {"model":"%s","stream":true,"stream_options":{"include_usage":true},
               "messages":[{"role":"user","content":"hello"}]}"""
                  .formatted(talker));

      assertThat(notAsked.body())
          .contains("\"content\":\"part\"")
          .doesNotContain("\"usage\"")
          .endsWith("data: [DONE]\n\n");
      assertThat(asked.body()).contains("\"choices\":[]", "\"total_tokens\":8");
      JsonNode upstreamOptions = JSON.readTree(requests.getFirst()).get("stream_options");
      assertThat(upstreamOptions.get("include_usage").asBoolean()).isTrue();
      assertThat(upstreamOptions.get("continuous_usage_stats").asBoolean())
          .as("the client's own stream options go along")
          .isTrue();

      HttpResponse<String> silent =
          api.post(
              "/v1/chat/completions",
              """
              {"model":"%s","stream":true,"messages":[{"role":"user","content":"fall silent"}]}"""
                  .formatted(talker));

      assertThat(silent.statusCode()).isEqualTo(200);
      assertThat(silent.body())
          .contains("\"content\":\"part\"")
          .contains("\"type\":\"server_error\"")
          .contains("silent")
          .doesNotContain("[DONE]");
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void aBackendsRefusalOnTheNativeEndpointIsItsOwnStatusNotA500() throws Exception {
    String strict = "strict-" + RUN;
    HttpServer backend =
        LoopbackBackends.answering(
            400, "{\"error\":{\"message\":\"the prompt exceeds the context\"}}");
    try {
      String strictModel = registry.model(Provider.OPENAI_COMPATIBLE, strict, "digest", 4096);
      registry.ready(strictModel, "strict-" + RUN, LoopbackBackends.endpointOf(backend));
      api.awaitRoutable(Duration.ofSeconds(2), strict);

      HttpResponse<String> refused =
          api.post(
              "/api/v1/local-llm/generate",
              """
              {"prompt":"a very long prompt","model_preference":"%s"}"""
                  .formatted(strict));

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(JSON.readTree(refused.body()).get("detail").asString())
          .contains("the prompt exceeds the context")
          .as("the instance's address stays in the log")
          .doesNotContain("127.0.0.1");
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void aRequestOneInstanceRefusesGoesToOneConfiguredOtherwiseButNotToOneConfiguredAlike()
      throws Exception {
    String tooLong = "{\"error\":{\"message\":\"maximum context length is 4096 tokens\"}}";
    AtomicInteger smallCalls = new AtomicInteger();
    AtomicInteger largeCalls = new AtomicInteger();
    HttpServer small = counting(smallCalls, 400, tooLong);
    HttpServer alsoSmall = counting(smallCalls, 400, tooLong);
    HttpServer large = counting(largeCalls, 200, ANSWER);
    String mixed = "mixed-" + RUN;
    String alike = "alike-" + RUN;
    try {
      String mixedId = registry.model(Provider.OPENAI_COMPATIBLE, mixed, "digest", 4096);
      registry.ready(mixedId, "4k-" + mixed, LoopbackBackends.endpointOf(small), 4096);
      registry.ready(mixedId, "32k-" + mixed, LoopbackBackends.endpointOf(large), 32768);
      String alikeId = registry.model(Provider.OPENAI_COMPATIBLE, alike, "digest", 4096);
      registry.ready(alikeId, "a-" + alike, LoopbackBackends.endpointOf(small), 4096);
      registry.ready(alikeId, "b-" + alike, LoopbackBackends.endpointOf(alsoSmall), 4096);
      roundRobin(mixed);
      api.awaitRoutable(Duration.ofSeconds(2), mixed);
      api.awaitRoutable(Duration.ofSeconds(2), alike);

      // Round robin puts each instance first in turn: the 4k one refuses, the 32k one answers.
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> answered = chat(mixed, "a long conversation " + i);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.headers().firstValue("X-Modelyard-Instance")).hasValue("32k-" + mixed);
      }
      assertThat(largeCalls).hasValue(4);

      // Cached (temperature 0): the answer is first asked of the version its key names.
      String twoProviders = "two-providers-" + RUN;
      String small4k = registry.model(Provider.OPENAI_COMPATIBLE, twoProviders, "digest-a", 4096);
      String large32k = registry.model(Provider.HUGGINGFACE, twoProviders, "digest-b", 32768);
      registry.ready(small4k, "4k-" + twoProviders, LoopbackBackends.endpointOf(small), 4096);
      registry.ready(large32k, "32k-" + twoProviders, LoopbackBackends.endpointOf(large), 32768);
      api.awaitRoutable(Duration.ofSeconds(2), twoProviders);
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> cached =
            api.post(
                "/v1/chat/completions",
                """
                {"model":"%s","temperature":0,"max_tokens":2,
                 "messages":[{"role":"user","content":"a long conversation, cached %d"}]}"""
                    .formatted(twoProviders, i));
        assertThat(cached.statusCode()).as(cached.body()).isEqualTo(200);
      }
      assertThat(smallCalls.get()).as("the 4k version was asked first at least once").isPositive();

      smallCalls.set(0);
      HttpResponse<String> refused = chat(alike, "a long conversation");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("maximum context length");
      assertThat(smallCalls).as("the instance configured alike is not asked").hasValue(1);
    } finally {
      small.stop(0);
      alsoSmall.stop(0);
      large.stop(0);
    }
  }

  private static HttpServer counting(AtomicInteger calls, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(UTF_8);
    return LoopbackBackends.chat(
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          calls.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
  }

  @Test
  void anInstanceRefusingOurCredentialsOrNotHavingTheModelIsFailedOverNotPassedOn()
      throws Exception {
    String model = "refusing-" + RUN;
    HttpServer unauthorized =
        LoopbackBackends.answering(401, "{\"error\":{\"message\":\"invalid api key\"}}");
    HttpServer unloaded =
        LoopbackBackends.answering(404, "{\"error\":{\"message\":\"model not found\"}}");
    HttpServer answering = LoopbackBackends.answering(200, ANSWER);
    try {
      String modelId = registry.model(Provider.OPENAI_COMPATIBLE, model, "digest", 4096);
      registry.ready(modelId, "401-" + model, LoopbackBackends.endpointOf(unauthorized));
      registry.ready(modelId, "404-" + model, LoopbackBackends.endpointOf(unloaded));
      api.awaitRoutable(Duration.ofSeconds(2), model);

      HttpResponse<String> neither = chat(model, "neither");
      assertThat(neither.statusCode())
          .as("the client's own key was good: " + neither.body())
          .isEqualTo(503);

      registry.ready(modelId, "ok-" + model, LoopbackBackends.endpointOf(answering));
      for (int i = 0; i < 100 && chat(model, "routable yet?").statusCode() != 200; i++) {
        Thread.sleep(20);
      }
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> answered = chat(model, "prompt " + i);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.headers().firstValue("X-Modelyard-Instance")).hasValue("ok-" + model);
      }
    } finally {
      unauthorized.stop(0);
      unloaded.stop(0);
      answering.stop(0);
    }
  }

  @Test
  void anAnswerIsCachedOnlyUnderTheModelVersionThatMadeIt() throws Exception {
    // One model name served by two providers; the first fails every call, so the second answers
    // whenever round robin puts the first in front, and that answer must not be cached as the
    // first's.
    String shared = "shared-" + RUN;
    HttpServer failing = LoopbackBackends.answering(500, "{\"error\":{\"message\":\"no slot\"}}");
    HttpServer answering = LoopbackBackends.answering(200, ANSWER);
    try {
      String first = registry.model(Provider.OPENAI_COMPATIBLE, shared, "digest-a", 4096);
      String second = registry.model(Provider.HUGGINGFACE, shared, "digest-b", 4096);
      registry.ready(first, "a-" + shared, LoopbackBackends.endpointOf(failing));
      registry.ready(second, "b-" + shared, LoopbackBackends.endpointOf(answering));
      api.awaitRoutable(Duration.ofSeconds(2), shared);
      roundRobin(shared);
      HttpResponse<String> routed =
          api.send(
              "PUT",
              "/api/v1/local-llm/models/routing",
              """
              {"provider":"huggingface","model_name":"%s","strategy":"round_robin"}"""
                  .formatted(shared));
      assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);

      List<String> servedBy = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        HttpResponse<String> response =
            api.post(
                "/v1/chat/completions",
                """
                {"model":"%s","temperature":0,"messages":[{"role":"user","content":"same"}]}"""
                    .formatted(shared));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        servedBy.add(
            response.headers().firstValue("X-Modelyard-Instance").orElseThrow()
                + "/"
                + response.headers().firstValue("X-Modelyard-Cache").orElseThrow());
      }
      assertThat(servedBy)
          .as("every answer, fresh or replayed, names the instance whose version made it")
          .allMatch(served -> served.startsWith("b-" + shared))
          .contains("b-" + shared + "/hit");
    } finally {
      failing.stop(0);
      answering.stop(0);
    }
  }

  @Test
  void anAnswerIsCachedOnlyForInstancesOfTheContextLengthThatMadeIt() throws Exception {
    // One model version on two instances loaded with different context lengths: a server with
    // the shorter one may cut a long prompt, so its answer is not the other's.
    String model = "contexts-" + RUN;
    HttpServer shortContext =
        LoopbackBackends.answering(200, ANSWER.replace("\"hi\"", "\"cut short\""));
    HttpServer longContext = LoopbackBackends.answering(200, ANSWER.replace("\"hi\"", "\"whole\""));
    try {
      String modelId = registry.model(Provider.OPENAI_COMPATIBLE, model, "digest", 32768);
      registry.ready(modelId, "short-" + model, LoopbackBackends.endpointOf(shortContext), 2048);
      registry.ready(modelId, "long-" + model, LoopbackBackends.endpointOf(longContext), 32768);
      api.awaitRoutable(Duration.ofSeconds(2), model);
      roundRobin(model);

      for (int i = 0; i < 6; i++) {
        HttpResponse<String> response =
            api.post(
                "/v1/chat/completions",
                """
                {"model":"%s","temperature":0,"messages":[{"role":"user","content":"same"}]}"""
                    .formatted(model));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String instance = response.headers().firstValue("X-Modelyard-Instance").orElseThrow();
        String content = JSON.readTree(response.body()).at("/choices/0/message/content").asString();
        assertThat(content)
            .as("answer %d, served as %s's", i, instance)
            .isEqualTo(instance.startsWith("short-") ? "cut short" : "whole");
      }
    } finally {
      shortContext.stop(0);
      longContext.stop(0);
    }
  }

  @Test
  void aStreamWhoseFirstEventIsAnErrorFailsOverOrIsRefusedBeforeAnythingIsSent() throws Exception {
    // vLLM reports a failure that comes before its first token as the stream's first event, with
    // a 200: before, that 200 reached the client with the error inside, and no other was asked.
    HttpServer erring =
        streaming(
            "{\"error\":{\"object\":\"error\",\"message\":\"engine dead\","
                + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}");
    HttpServer healthy = streaming(CHUNK.substring("data: ".length()).strip());
    HttpServer picky =
        streaming(
            "{\"error\":{\"object\":\"error\",\"message\":\"invalid"
                + " json_schema\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}");
    try {
      String model = "first-error-" + RUN;
      String modelId = registry.model(Provider.OPENAI_COMPATIBLE, model, "digest", 4096);
      registry.ready(modelId, "erring-" + RUN, LoopbackBackends.endpointOf(erring));
      registry.ready(modelId, "healthy-" + RUN, LoopbackBackends.endpointOf(healthy));
      api.awaitRoutable(Duration.ofSeconds(2), model);
      roundRobin(model);
      // Round robin: at least three of them ask it first, as many as its breaker must count.
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> streamed = api.post("/v1/chat/completions", stream(model, i));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("X-Modelyard-Instance"))
            .hasValue("healthy-" + RUN);
        assertThat(streamed.body()).contains("\"content\":\"part\"").doesNotContain("engine dead");
      }
      assertThat(circuitOf("openai_compatible", model, "erring-" + RUN))
          .as("its first events count against it as failures")
          .isEqualTo("open");

      String refusing = "first-refusal-" + RUN;
      String refusingId = registry.model(Provider.OPENAI_COMPATIBLE, refusing, "digest", 4096);
      registry.ready(refusingId, "picky-first-" + RUN, LoopbackBackends.endpointOf(picky));
      api.awaitRoutable(Duration.ofSeconds(2), refusing);
      HttpResponse<String> refused = api.post("/v1/chat/completions", stream(refusing, 0));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).at("/error/message").asString())
          .contains("invalid json_schema");
      assertThat(circuitOf("openai_compatible", refusing, "picky-first-" + RUN))
          .as("the request's fault, not the instance's")
          .isEqualTo("closed");
    } finally {
      erring.stop(0);
      healthy.stop(0);
      picky.stop(0);
    }
  }

  /** A backend whose every stream is one event, {@code data}, then [DONE]. */
  private static HttpServer streaming(String data) throws IOException {
    byte[] events = ("data: " + data + "\n\ndata: [DONE]\n\n").getBytes(UTF_8);
    return LoopbackBackends.chat(
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, events.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(events);
          }
        });
  }

  private static String stream(String model, int n) {
    return """
        {"model":"%s","stream":true,"messages":[{"role":"user","content":"first %d"}]}"""
        .formatted(model, n);
  }

  @Test
  void streamsTheInstanceRefusesMidStreamAsTheRequestsFaultLeaveItsCircuitClosed()
      throws Exception {
    // vLLM reports a request it cannot follow (a JSON schema, say) as an error event.
    String picky = "picky-" + RUN;
    byte[] refusal =
        ("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\"}}]}\n\n"
                + "data: {\"error\":{\"object\":\"error\",\"message\":\"invalid json_schema\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n"
                + "data: [DONE]\n\n")
            .getBytes(UTF_8);
    HttpServer backend =
        LoopbackBackends.chat(
            exchange -> {
              exchange.getRequestBody().readAllBytes();
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, refusal.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(refusal);
              }
            });
    try {
      String modelId = registry.model(Provider.OPENAI_COMPATIBLE, picky, "digest", 4096);
      registry.ready(modelId, "picky-" + RUN, LoopbackBackends.endpointOf(backend));
      api.awaitRoutable(Duration.ofSeconds(2), picky);

      for (int i = 0; i < 4; i++) {
        HttpResponse<String> response =
            api.post(
                "/v1/chat/completions",
                """
                {"model":"%s","stream":true,"messages":[{"role":"user","content":"schema"}]}"""
                    .formatted(picky));
        assertThat(response.body()).contains("invalid json_schema");
      }

      assertThat(circuitOf("openai_compatible", picky, "picky-" + RUN)).isEqualTo("closed");
    } finally {
      backend.stop(0);
    }
  }

  private static final String ANSWER =
      "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":1,\"total_tokens\":2}}";

  private static final String CHUNK =
      "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\"part\"}}]}\n\n";

  /** The audit record of the last request for {@code model}, once the writer has stored it. */
  private static JsonNode awaitAudited(String model) throws Exception {
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> found = api.send("GET", "/api/v1/local-llm/audit?model=" + model, null);
      assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
      JsonNode records = JSON.readTree(found.body()).get("records");
      if (!records.isEmpty()) {
        return records.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no audit record for " + model);
  }

  private static void roundRobin(String model) throws Exception {
    HttpResponse<String> response =
        api.send(
            "PUT",
            "/api/v1/local-llm/models/routing",
            """
            {"provider":"openai_compatible","model_name":"%s","strategy":"round_robin"}"""
                .formatted(model));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static String circuitOf(String instanceId) throws Exception {
    return circuitOf("local_gguf", MODEL, instanceId);
  }

  private static String circuitOf(String provider, String model, String instanceId)
      throws Exception {
    JsonNode view =
        JSON.readTree(
            api.send(
                    "GET",
                    "/api/v1/local-llm/models/routing?provider="
                        + provider
                        + "&model_name="
                        + model,
                    null)
                .body());
    for (JsonNode instance : view.get("instances")) {
      if (instance.get("instance_id").asString().equals(instanceId)) {
        return instance.get("circuit").asString();
      }
    }
    throw new AssertionError(instanceId + " is not routable: " + view);
  }

  private static HttpResponse<String> chat(String model, String prompt) throws Exception {
    return api.post(
        "/v1/chat/completions",
        """
        {"model":"%s","max_tokens":2,"messages":[{"role":"user","content":"%s"}]}"""
            .formatted(model, prompt));
  }

  private static String id(String name) {
    return "failover-" + RUN + "-" + name;
  }

  private static InstanceSpec spec(String name) {
    return new InstanceSpec(
        id(name), "tiny", TestServices.tinyModel(), EngineOptions.of(512, 1, 2));
  }
}
