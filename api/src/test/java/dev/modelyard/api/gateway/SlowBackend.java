package dev.modelyard.api.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible chat backend on loopback that takes {@code delay} to answer and counts its
 * calls by prompt (the last message's content), so that a test knows how many requests reached it.
 * Each answer carries its call's number in its id: two clients with the same id got the same call.
 */
final class SlowBackend implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private final Map<String, AtomicInteger> callsByPrompt = new ConcurrentHashMap<>();
  private final Map<String, Long> answeredAtNanos = new ConcurrentHashMap<>();

  private SlowBackend(Duration delay) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
          JsonNode messages = request.get("messages");
          String prompt = messages.get(messages.size() - 1).get("content").asString();
          int call = calls.incrementAndGet();
          callsByPrompt.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
          try {
            Thread.sleep(delay);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] answer =
              """
              {"id":"chatcmpl-%d","object":"chat.completion","created":1,"model":"%s",
               "choices":[{"index":0,"finish_reason":"stop",
                           "message":{"role":"assistant","content":"answer %d"}}],
               "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""
                  .formatted(call, request.get("model").asString(), call)
                  .getBytes(StandardCharsets.UTF_8);
          answeredAtNanos.put(prompt, System.nanoTime());
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  static SlowBackend answeringAfter(Duration delay) {
    return new SlowBackend(delay);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Calls that asked {@code prompt}. */
  int calls(String prompt) {
    AtomicInteger count = callsByPrompt.get(prompt);
    return count == null ? 0 : count.get();
  }

  /** When the last call that asked {@code prompt} was answered, on {@link System#nanoTime()}. */
  long answeredAtNanos(String prompt) {
    return answeredAtNanos.get(prompt);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
