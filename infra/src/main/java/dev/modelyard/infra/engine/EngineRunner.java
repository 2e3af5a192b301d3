package dev.modelyard.infra.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A model instance: one {@link LlamaEngine} behind a small HTTP server that speaks OpenAI's chat
 * completions and completions APIs ({@code POST /v1/chat/completions} and {@code /v1/completions},
 * streaming or not) and answers {@code GET /health}. The gateway routes to it exactly as to any
 * other OpenAI-compatible server. It listens where its {@link InstanceNetwork} says: loopback on
 * one machine, the pod's IP on Kubernetes.
 */
public final class EngineRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);
  private static final int DEFAULT_MAX_TOKENS = 256;

  private final String modelName;
  private final LlamaEngine engine;
  private final HttpServer server;
  private final InstanceNetwork network;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private EngineRunner(
      String modelName, LlamaEngine engine, HttpServer server, InstanceNetwork network) {
    this.modelName = modelName;
    this.engine = engine;
    this.server = server;
    this.network = network;
  }

  /** Serves {@code engine} on 127.0.0.1:{@code port} (0 picks a free port). */
  public static EngineRunner start(String modelName, LlamaEngine engine, int port) {
    return start(modelName, engine, InstanceNetwork.loopback(PortRange.single(port)));
  }

  /** Serves {@code engine} on the network's address, at the first free port of its range. */
  public static EngineRunner start(String modelName, LlamaEngine engine, InstanceNetwork network) {
    try {
      HttpServer server =
          network
              .ports()
              .bind(port -> HttpServer.create(new InetSocketAddress(network.address(), port), 64));
      EngineRunner runner = new EngineRunner(modelName, engine, server, network);
      server.createContext("/health", runner::health);
      server.createContext("/v1/chat/completions", runner::chatCompletions);
      server.createContext("/v1/completions", runner::completions);
      server.setExecutor(runner.executor);
      server.start();
      return runner;
    } catch (IOException e) {
      // The runner owns the engine from here on; without a server nothing else would free it.
      engine.close();
      throw new UncheckedIOException(
          "cannot open the engine runner's port on "
              + network.address().getHostAddress()
              + " (ports "
              + network.ports()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  public URI endpoint() {
    return network.endpoint(server.getAddress().getPort());
  }

  private void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      sendJson(exchange, 200, Map.of("status", "ok", "model", modelName));
    }
  }

  private void chatCompletions(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        sendError(exchange, 405, "use POST");
        return;
      }
      ChatCompletionRequest request;
      try {
        request =
            OpenAiJson.MAPPER.readValue(exchange.getRequestBody(), ChatCompletionRequest.class);
      } catch (JacksonException e) {
        sendError(
            exchange, 400, "the body is not a chat completion request: " + e.getOriginalMessage());
        return;
      }
      if (request.messages() == null || request.messages().isEmpty()) {
        sendError(exchange, 400, "messages must not be empty");
        return;
      }
      LlamaEngine.ChatPrompt prompt = prompt(request);
      // Answer under the name the caller used, as OpenAI-compatible servers do.
      String served = request.model() != null ? request.model() : modelName;
      if (Boolean.TRUE.equals(request.stream())) {
        stream(exchange, prompt, served);
      } else {
        complete(exchange, prompt, served);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("generation failed", e);
      sendError(exchange, 500, "generation failed");
    }
  }

  /** A raw prompt continued without the chat template, as OpenAI's legacy completions API does. */
  private void completions(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        sendError(exchange, 405, "use POST");
        return;
      }
      JsonNode request;
      try {
        request = OpenAiJson.MAPPER.readTree(exchange.getRequestBody());
      } catch (JacksonException e) {
        sendError(exchange, 400, "the body is not JSON: " + e.getOriginalMessage());
        return;
      }
      if (!request.path("prompt").isString()) {
        sendError(exchange, 400, "prompt must be a string");
        return;
      }
      LlamaEngine.TextPrompt prompt =
          new LlamaEngine.TextPrompt(
              request.path("prompt").asString(),
              request.path("max_tokens").asInt(DEFAULT_MAX_TOKENS),
              (float) request.path("temperature").asDouble(0.8),
              request.path("seed").asInt(-1));
      String served = request.path("model").asString(modelName);
      String id = "cmpl-" + UUID.randomUUID();
      long created = System.currentTimeMillis() / 1000;
      if (request.path("stream").asBoolean(false)) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        LlamaEngine.Completion completion =
            engine.complete(
                prompt,
                token -> writeEvent(out, textChunk(id, created, served, token, null, null)));
        writeEvent(
            out, textChunk(id, created, served, "", completion.finishReason(), usage(completion)));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      } else {
        LlamaEngine.Completion completion = engine.complete(prompt, token -> {});
        sendJson(
            exchange,
            200,
            textChunk(
                id,
                created,
                served,
                completion.text(),
                completion.finishReason(),
                usage(completion)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("generation failed", e);
      sendError(exchange, 500, "generation failed");
    }
  }

  private static Map<String, Object> textChunk(
      String id,
      long created,
      String served,
      String text,
      String finishReason,
      ChatCompletionResponse.Usage usage) {
    Map<String, Object> choice = new java.util.HashMap<>();
    choice.put("index", 0);
    choice.put("text", text);
    choice.put("finish_reason", finishReason);
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("id", id);
    body.put("object", "text_completion");
    body.put("created", created);
    body.put("model", served);
    body.put("choices", List.of(choice));
    if (usage != null) {
      body.put("usage", usage);
    }
    return body;
  }

  private void complete(HttpExchange exchange, LlamaEngine.ChatPrompt prompt, String served)
      throws IOException, InterruptedException {
    LlamaEngine.Completion completion = engine.chat(prompt, token -> {});
    sendJson(
        exchange,
        200,
        new ChatCompletionResponse(
            "chatcmpl-" + UUID.randomUUID(),
            "chat.completion",
            System.currentTimeMillis() / 1000,
            served,
            List.of(
                new ChatCompletionResponse.Choice(
                    0, new ChatMessage("assistant", completion.text()), completion.finishReason())),
            usage(completion)));
  }

  private void stream(HttpExchange exchange, LlamaEngine.ChatPrompt prompt, String served)
      throws IOException, InterruptedException {
    String id = "chatcmpl-" + UUID.randomUUID();
    long created = System.currentTimeMillis() / 1000;
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    LlamaEngine.Completion completion =
        engine.chat(
            prompt,
            token ->
                writeEvent(out, chunk(id, created, served, Map.of("content", token), null, null)));
    writeEvent(
        out, chunk(id, created, served, Map.of(), completion.finishReason(), usage(completion)));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> chunk(
      String id,
      long created,
      String served,
      Map<String, String> delta,
      String finishReason,
      ChatCompletionResponse.Usage usage) {
    Map<String, Object> choice = new java.util.HashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finishReason);
    Map<String, Object> chunk = new java.util.HashMap<>();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", served);
    chunk.put("choices", List.of(choice));
    if (usage != null) {
      chunk.put("usage", usage);
    }
    return chunk;
  }

  private static void writeEvent(OutputStream out, Object event) {
    try {
      out.write("data: ".getBytes(StandardCharsets.UTF_8));
      out.write(OpenAiJson.MAPPER.writeValueAsBytes(event));
      out.write("\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // The client went away; stop generating by failing the token callback.
      throw new UncheckedIOException(e);
    }
  }

  private static LlamaEngine.ChatPrompt prompt(ChatCompletionRequest request) {
    String system = null;
    List<LlamaEngine.Message> turns = new java.util.ArrayList<>();
    for (ChatMessage message : request.messages()) {
      if ("system".equals(message.role())) {
        system = message.content();
      } else {
        turns.add(new LlamaEngine.Message(message.role(), message.content()));
      }
    }
    return new LlamaEngine.ChatPrompt(
        system,
        turns,
        request.tokenLimit() != null ? request.tokenLimit() : DEFAULT_MAX_TOKENS,
        request.temperature() != null ? request.temperature().floatValue() : 0.8f,
        request.seed() != null ? request.seed() : -1);
  }

  private static ChatCompletionResponse.Usage usage(LlamaEngine.Completion completion) {
    return new ChatCompletionResponse.Usage(
        completion.promptTokens(),
        completion.completionTokens(),
        completion.promptTokens() + completion.completionTokens());
  }

  private static void sendError(HttpExchange exchange, int status, String message)
      throws IOException {
    sendJson(
        exchange,
        status,
        Map.of(
            "error",
            Map.of(
                "message",
                message,
                "type",
                status >= 500 ? "server_error" : "invalid_request_error")));
  }

  private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = OpenAiJson.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /**
   * Stops serving and frees the model; requests in flight get up to a second to finish, and the
   * engine frees the model only once their generations have stopped.
   */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    engine.close();
  }
}
