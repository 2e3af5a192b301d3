package dev.modelyard.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A loopback OpenAI-compatible backend that answers at once with a fixed completion of about 1 KB
 * (or, asked to stream, {@value #STREAM_CHUNKS} chunks and a usage chunk), so that what a benchmark
 * measures is the gateway, not a model.
 */
final class FastBackend implements AutoCloseable {

  private static final byte[] ANSWER =
      ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"fast\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
              + "x".repeat(800)
              + "\"},\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":200,\"total_tokens\":212}}")
          .getBytes(StandardCharsets.UTF_8);

  static final int STREAM_CHUNKS = 20;
  private static final byte[] STREAM = stream();

  private final HttpServer server;

  static {
    // The JDK's server closes any idle connection beyond 200; model servers keep theirs alive, as
    // a gateway keeping hundreds per instance expects. Read once, when the server class loads.
    System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
  }

  FastBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          try (exchange) {
            String request =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (request.contains("\"stream\":true")) {
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, STREAM.length);
              exchange.getResponseBody().write(STREAM);
            } else {
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, ANSWER.length);
              exchange.getResponseBody().write(ANSWER);
            }
          }
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  private static byte[] stream() {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < STREAM_CHUNKS; i++) {
      events.append(
          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
              + "\"model\":\"fast\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token"
              + i
              + " \"},\"finish_reason\":null}]}\n\n");
    }
    events.append(
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"fast\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":20,\"total_tokens\":32}}\n\n");
    events.append("data: [DONE]\n\n");
    return events.toString().getBytes(StandardCharsets.UTF_8);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
