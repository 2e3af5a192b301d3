package dev.modelyard.api.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.modelyard.workflows.models.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends on loopback for the gateway's tests: an instance or a cloud provider answering chat
 * completions as the test says, a port nobody listens on, and an API replica whose only local
 * instance of a model refuses connections, so that every request falls back to OpenAI's API (which
 * cannot be reached from here: a local server stands in for it).
 */
final class LoopbackBackends {

  private LoopbackBackends() {}

  /** A server answering {@code /v1/chat/completions} with {@code chat}, on virtual threads. */
  static HttpServer chat(HttpHandler chat) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", chat);
    server.start();
    return server;
  }

  /**
   * OpenAI's API as a server replaying {@code answer} to every chat completion after {@code pause}
   * (a pause keeps calls under way together), counting the calls in {@code calls}.
   */
  static HttpServer replaying(byte[] answer, AtomicInteger calls, Duration pause)
      throws IOException {
    return replayingAfter(answer, calls, () -> Thread.sleep(pause));
  }

  /**
   * Answers every call with {@code answer} once {@code gate} lets it through (a permit a call), so
   * that a test decides how long calls stay under way instead of hoping they overlap.
   */
  static HttpServer replayingThrough(byte[] answer, AtomicInteger calls, Semaphore gate)
      throws IOException {
    return replayingAfter(answer, calls, gate::acquire);
  }

  /** What a replaying server waits for before it answers. */
  @FunctionalInterface
  private interface Wait {
    void run() throws InterruptedException;
  }

  private static HttpServer replayingAfter(byte[] answer, AtomicInteger calls, Wait wait)
      throws IOException {
    return chat(
        exchange -> {
          calls.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          try {
            wait.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answerJson(exchange, answer);
        });
  }

  /** Answers 200 with a JSON body, and ends the exchange. */
  /** An instance that answers every chat completion with {@code status} and {@code body}. */
  static HttpServer answering(int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return chat(
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
  }

  static void answerJson(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  static URI endpointOf(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** OpenAI's recorded answer: 24 prompt and 8 completion tokens of gpt-4o-mini. */
  static byte[] recordedOpenAiAnswer() throws IOException {
    try (InputStream fixture =
        LoopbackBackends.class.getResourceAsStream("/fixtures/cloud/openai-chat-completion.json")) {
      return fixture.readAllBytes();
    }
  }

  /** An API replica's properties: {@code model} falls back to gpt-4o-mini at {@code openAi}. */
  static String[] cloudFallback(String model, HttpServer openAi, String apiKey, String... more) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "modelyard.cloud.openai-api-key=" + apiKey,
                "modelyard.cloud-endpoints.openai=" + endpointOf(openAi),
                "modelyard.gateway.fallbacks." + model + "=openai:gpt-4o-mini",
                "modelyard.gateway.retries=0"));
    properties.addAll(List.of(more));
    return properties.toArray(String[]::new);
  }

  /**
   * An API replica on {@code schema} whose only instance of {@code model} refuses connections, so
   * that every request for it falls back to gpt-4o-mini at {@code openAi}.
   */
  static ApiReplica fallingBackToCloud(
      String schema, String model, HttpServer openAi, String apiKey, String... more)
      throws IOException {
    ApiReplica api = ApiReplica.start(schema, cloudFallback(model, openAi, apiKey, more));
    onlyARefusingInstance(api, model, "gone-" + schema);
    return api;
  }

  /** Registers {@code model} with one instance, at a port nobody listens on. */
  static void onlyARefusingInstance(ApiReplica api, String model, String instanceId)
      throws IOException {
    RegisteredInstances registry = new RegisteredInstances(api);
    String modelId = registry.model(Provider.OPENAI_COMPATIBLE, model, "digest", 4096);
    try (ServerSocket closed = new ServerSocket(0)) {
      // Nobody listens on the port once this closes.
      registry.ready(modelId, instanceId, URI.create("http://127.0.0.1:" + closed.getLocalPort()));
    }
  }
}
