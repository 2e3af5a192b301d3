package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.workflows.models.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cloud fallback that accepts a stream and then sends nothing. OpenAI's API cannot be reached
 * from here: a local server in its place (the fixture) answers 200 with event-stream headers and a
 * comment, then stays silent, so this proves the gateway's deadline, not OpenAI's behaviour.
 */
class CloudStreamDeadlineFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "stalled-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final CountDownLatch closedByGateway = new CountDownLatch(1);

  private static HttpServer openAi;
  private static ApiReplica api;

  @BeforeAll
  static void start() throws Exception {
    openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    openAi.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    openAi.createContext(
        "/v1/chat/completions",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 600; i++) {
              // Comments keep the connection busy without ever being an event.
              out.write(": still thinking\n\n".getBytes(StandardCharsets.UTF_8));
              out.flush();
              Thread.sleep(100);
            }
          } catch (IOException e) {
            closedByGateway.countDown();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    openAi.start();
    api =
        ApiReplica.start(
            "cloud_stream_" + RUN,
            "modelyard.cloud.openai-api-key=sk-fixture-" + RUN,
            "modelyard.cloud-endpoints.openai=http://127.0.0.1:" + openAi.getAddress().getPort(),
            "modelyard.gateway.fallbacks." + MODEL + "=openai:gpt-4o-mini",
            "modelyard.gateway.retries=0",
            "modelyard.gateway.first-token-timeout=1s");
    RegisteredInstances registry = new RegisteredInstances(api);
    String modelId = registry.model(Provider.OPENAI_COMPATIBLE, MODEL, "digest", 4096);
    try (ServerSocket closed = new ServerSocket(0)) {
      // A port nobody listens on once this closes: the only local instance refuses connections.
      registry.ready(
          modelId, "gone-" + RUN, URI.create("http://127.0.0.1:" + closed.getLocalPort()));
    }
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
  void aCloudStreamWithNoFirstEventIsCutAtTheFirstTokenTimeout() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> stalled =
        api.post(
            "/v1/chat/completions",
            """
            {"model":"%s","stream":true,"messages":[{"role":"user","content":"hello?"}]}"""
                .formatted(MODEL));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(stalled.statusCode()).as(stalled.body()).isEqualTo(503);
    assertThat(JSON.readTree(stalled.body()).at("/error/message").asString())
        .contains("no first event within");
    assertThat(closedByGateway.await(10, TimeUnit.SECONDS))
        .as("the provider's request was cancelled")
        .isTrue();
  }
}
