package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.testing.TestApiKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A key's own rate limit over HTTP through two real API replicas that share a database schema and
 * the test Redis, as behind a load balancer. Their security, rate-limit filter and Redisson client
 * are the real ones; only the generation handlers are stubs ({@code StubGenerations}), which the
 * limit is checked before.
 */
class RateLimitAcrossReplicasOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final int LIMIT = 4;
  private static final String CHAT = "/v1/chat/completions";
  private static final String GENERATE = "/api/v1/local-llm/generate";
  private static final String ADMIN = TestApiKeys.ADMIN_AUTHORIZATION;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ApiProcess first;
  private static ApiProcess second;

  @BeforeAll
  static void start() {
    String schema = "ratelimit_replicas_" + RUN;
    first = ApiProcess.start(schema, true);
    second = ApiProcess.start(schema, true);
  }

  @AfterAll
  static void stop() {
    for (ApiProcess replica : new ApiProcess[] {first, second}) {
      if (replica != null) {
        replica.close();
      }
    }
  }

  @Test
  void aKeyIsRefusedOnBothReplicasOnceItsLimitIsSpentAcrossThemWhileAnotherKeyGoesOn()
      throws Exception {
    String key = createKey("limited-" + RUN);
    String otherKey = createKey("other-" + RUN);

    // Alternately through each replica, by either header: neither replica alone sees the limit.
    List<HttpResponse<String>> allowed =
        List.of(
            first.post(CHAT, body(), "Authorization", "Bearer " + key),
            second.post(GENERATE, body(), "X-API-Key", key),
            first.post(GENERATE, body(), "X-API-Key", key),
            second.post(CHAT, body(), "Authorization", "Bearer " + key));
    for (int i = 0; i < allowed.size(); i++) {
      HttpResponse<String> response = allowed.get(i);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("4");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining"))
          .hasValue(Integer.toString(LIMIT - 1 - i));
    }

    HttpResponse<String> refusedOpenAi = first.post(CHAT, body(), "Authorization", "Bearer " + key);
    HttpResponse<String> refusedProblem = second.post(GENERATE, body(), "X-API-Key", key);
    HttpResponse<String> refusedOnSecond =
        second.post(CHAT, body(), "Authorization", "Bearer " + key);

    assertThat(refusedOpenAi.statusCode()).isEqualTo(429);
    assertThat(refusedOpenAi.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode error = JSON.readTree(refusedOpenAi.body()).get("error");
    assertThat(error.get("type").asString()).isEqualTo("rate_limit_exceeded");
    assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
    assertThat(error.get("message").asString()).isNotBlank();
    assertThat(refusedOpenAi.headers().firstValue("X-RateLimit-Limit")).hasValue("4");
    assertThat(refusedOpenAi.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(refusedOpenAi.headers().firstValue("X-RateLimit-Reset")).isPresent();
    // One request's worth comes back every window / limit = 60 s / 4.
    assertThat(Long.parseLong(refusedOpenAi.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 15L);

    assertThat(refusedProblem.statusCode()).isEqualTo(429);
    assertThat(refusedProblem.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(JSON.readTree(refusedProblem.body()).get("status").asInt()).isEqualTo(429);
    assertThat(refusedProblem.headers().firstValue("Retry-After")).isPresent();
    assertThat(refusedOnSecond.statusCode()).isEqualTo(429);

    HttpResponse<String> otherOnFirst =
        first.post(CHAT, body(), "Authorization", "Bearer " + otherKey);
    HttpResponse<String> otherOnSecond =
        second.post(CHAT, body(), "Authorization", "Bearer " + otherKey);
    assertThat(otherOnFirst.statusCode()).as(otherOnFirst.body()).isEqualTo(200);
    assertThat(otherOnSecond.statusCode()).as(otherOnSecond.body()).isEqualTo(200);
    assertThat(otherOnSecond.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
  }

  @Test
  void aRefusedRequestIsAnsweredBeforeItsChunkedBodyIsRead() throws Exception {
    String key = createKey("chunked-" + RUN);
    for (int i = 0; i < LIMIT; i++) {
      assertThat(first.post(CHAT, body(), "X-API-Key", key).statusCode()).isEqualTo(200);
    }
    URI api = first.uri(CHAT);

    // A body sent chunked that never ends: the 429 must not wait for it (nor read it at all).
    try (Socket socket = new Socket(api.getHost(), api.getPort())) {
      socket.setSoTimeout(5_000);
      String firstChunk = body();
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + CHAT
                      + " HTTP/1.1\r\n"
                      + "Host: "
                      + api.getAuthority()
                      + "\r\n"
                      + "X-API-Key: "
                      + key
                      + "\r\n"
                      + "Content-Type: application/json\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n"
                      + Integer.toHexString(firstChunk.length())
                      + "\r\n"
                      + firstChunk
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();

      assertThat(statusLine).startsWith("HTTP/1.1 429");
    }
  }

  @Test
  void deploymentsSharingOneRedisKeepLimitsOfTheirOwn() throws Exception {
    // Each its own database schema, so its own deployment, with a global limit of 2.
    String[] smallLimits = {
      "modelyard.rate-limit.requests=2", "modelyard.rate-limit.global-requests=2"
    };
    try (ApiProcess one = ApiProcess.start("ratelimit_one_" + RUN, true, smallLimits);
        ApiProcess another = ApiProcess.start("ratelimit_another_" + RUN, true, smallLimits)) {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        statuses.add(one.post(CHAT, body(), "Authorization", ADMIN).statusCode());
      }
      HttpResponse<String> elsewhere = another.post(CHAT, body(), "Authorization", ADMIN);

      assertThat(statuses).containsExactly(200, 200, 429);
      assertThat(elsewhere.statusCode())
          .as("another deployment's limits: " + elsewhere.body())
          .isEqualTo(200);
    }
  }

  /** A user key with its own limit of {@link #LIMIT} requests per window, made by the admin. */
  private static String createKey(String name) throws Exception {
    HttpResponse<String> created =
        first.post(
            "/api/v1/local-llm/keys",
            """
            {"name":"%s","roles":["user"],"rate_limit_requests":%d}"""
                .formatted(name, LIMIT));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).get("key").asString();
  }

  /** What the stub handlers read; the limit is checked before any handler. */
  private static String body() {
    return "{\"model\":\"limited-%s\"}".formatted(RUN);
  }
}
