package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cloud fallback that accepts a stream and then sends nothing, or never accepts it. OpenAI's API
 * cannot be reached from here: a local server in its place (the fixture) answers 200 with
 * event-stream headers and a comment, then stays silent, so this proves the gateway's deadline, not
 * OpenAI's behaviour.
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
    openAi =
        LoopbackBackends.chat(
            exchange -> {
              String request = new String(exchange.getRequestBody().readAllBytes());
              if (request.contains("accepted late")) {
                // Accepted after 0.7 s, first event 0.7 s later: 1.4 s in all.
                try {
                  Thread.sleep(700);
                  exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                  exchange.sendResponseHeaders(200, 0);
                  exchange.getResponseBody().flush();
                  Thread.sleep(700);
                  exchange
                      .getResponseBody()
                      .write(
                          ("data: {\"id\":\"late\",\"object\":\"chat.completion.chunk\","
                                  + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}"
                                  + "\n\ndata: [DONE]\n\n")
                              .getBytes(StandardCharsets.UTF_8));
                  exchange.getResponseBody().flush();
                } catch (IOException e) {
                  // cut by the gateway
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
              }
              if (request.contains("never accepted")) {
                // Takes the request and never answers, not even its headers.
                try {
                  Thread.sleep(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
              }
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
    api =
        LoopbackBackends.fallingBackToCloud(
            "cloud_stream_" + RUN,
            MODEL,
            openAi,
            "sk-fixture-" + RUN,
            "modelyard.gateway.first-token-timeout=1s");
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
    HttpResponse<String> stalled = streamAsking("hello?");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(stalled.statusCode()).as(stalled.body()).isEqualTo(503);
    assertThat(JSON.readTree(stalled.body()).at("/error/message").asString())
        .contains("no first event within");
    assertThat(closedByGateway.await(10, TimeUnit.SECONDS))
        .as("the provider's request was cancelled")
        .isTrue();
  }

  @Test
  @Timeout(60)
  void aCloudStreamNeverAcceptedEndsAtTheFirstTokenTimeoutNotTheRequestTimeout() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> refused = streamAsking("never accepted");

    // The provider's request timeout is 3 min; the first token's, set above, 1 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
  }

  @Test
  @Timeout(60)
  void aCloudStreamsAcceptanceAndFirstEventShareOneFirstTokenTimeout() throws Exception {
    HttpResponse<String> late = streamAsking("accepted late");

    // Each half is under the 1 s first-token timeout; together they are not.
    assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
    assertThat(JSON.readTree(late.body()).at("/error/message").asString())
        .contains("no first event within");
  }

  /** A streamed chat completion of the fallback-only model, asking {@code content}. */
  private static HttpResponse<String> streamAsking(String content) throws Exception {
    return api.post(
        "/v1/chat/completions",
        """
        {"model":"%s","stream":true,"messages":[{"role":"user","content":"%s"}]}"""
            .formatted(MODEL, content));
  }
}
