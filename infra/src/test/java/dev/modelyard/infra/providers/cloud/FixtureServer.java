package dev.modelyard.infra.providers.cloud;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A local stand-in for a cloud API: it answers every request with one recorded response from {@code
 * fixtures/cloud/…} and remembers the last request, so a test can check both directions of an
 * adapter's translation without the network.
 */
public final class FixtureServer implements AutoCloseable {

  /** What the adapter sent; header names in lower case. */
  public record Received(
      String method, String pathAndQuery, Map<String, String> headers, byte[] body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public JsonNode json() {
      return dev.modelyard.infra.providers.openai.OpenAiJson.MAPPER.readTree(body);
    }
  }

  private record Reply(int status, String contentType, byte[] body) {}

  private final HttpServer server;
  private volatile Reply reply = new Reply(500, "text/plain", utf8("no fixture set"));
  private volatile Received received;

  public FixtureServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange
                .getRequestHeaders()
                .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            received =
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    headers,
                    exchange.getRequestBody().readAllBytes());
            Reply now = reply;
            exchange.getResponseHeaders().set("Content-Type", now.contentType());
            exchange.sendResponseHeaders(now.status(), now.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(now.body());
            }
          }
        });
    server.start();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers from now on with {@code fixtures/cloud/<path>}; SSE files as an event stream. */
  public FixtureServer replies(int status, String fixture) {
    String type = fixture.endsWith(".sse") ? "text/event-stream" : "application/json";
    reply = new Reply(status, type, fixture(fixture));
    return this;
  }

  public Received received() {
    return received;
  }

  public static byte[] fixture(String path) {
    try (InputStream in = FixtureServer.class.getResourceAsStream("/fixtures/cloud/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
