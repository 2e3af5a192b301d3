package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keys' whole life over HTTP (created and shown once, listed without the key, used, revoked,
 * expired), the credential forms OpenAI clients send, tokens, body limits and what error bodies and
 * logs may never hold.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-keys-" + RUN;
  private static final String PROVIDER_KEY = "sk-provider-secret-" + RUN + "-never-logged";
  private static final String KEYS = "/api/v1/local-llm/keys";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static SecuredApi api;

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    api =
        SecuredApi.start(
            "security_keys_" + RUN,
            NAMESPACE,
            "modelyard.cloud.openai-api-key=" + PROVIDER_KEY,
            "modelyard.security.max-request-body=64KB");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void aKeyIsShownOnceAtCreationAndListedOnlyByItsPrefix() throws Exception {
    JsonNode created =
        api.createKey(
            """
            {"name":"ci-%s","roles":["user","viewer"],"rate_limit_requests":50,
             "monthly_budget_usd":12.5,"expires_at":"2099-01-01T00:00:00Z"}"""
                .formatted(RUN));
    String key = created.get("key").asString();
    String keyId = created.at("/details/key_id").asString();

    assertThat(key).startsWith("my-").hasSizeGreaterThan(40);
    assertThat(created.at("/details/key_prefix").asString()).isEqualTo(key.substring(0, 11));
    assertThat(created.at("/details/roles").valueStream().map(JsonNode::asString))
        .containsExactly("user", "viewer");
    String listing = api.asAdmin("GET", KEYS, null).body();
    assertThat(listing)
        .contains(keyId, "\"rate_limit_requests\":50", "\"monthly_budget_usd\":12.5")
        .doesNotContain(key)
        .doesNotContain(ApiKeySecrets.hash(key));
  }

  @Test
  void aKeyWorksInEitherHeaderAndOpenAiClientsGetOpenAiErrors() throws Exception {
    String key = api.keyWithRoles("openai-client-" + RUN, Role.USER);

    assertThat(api.send("GET", "/v1/models", null, "Authorization", "Bearer " + key).statusCode())
        .isEqualTo(200);
    assertThat(api.send("GET", "/v1/models", null, "X-API-Key", key).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = api.send("GET", "/v1/models", null, "X-API-Key", key + "x");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(refused.body()).at("/error/code").asString())
        .isEqualTo("invalid_api_key");
    HttpResponse<String> problem = api.send("GET", "/api/v1/local-llm/models", null);
    assertThat(problem.statusCode()).isEqualTo(401);
    assertThat(problem.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void aRevokedKeyStopsWorkingAndStaysListedAsRevoked() throws Exception {
    JsonNode created = api.createKey("{\"name\":\"revoke-me\",\"roles\":[\"viewer\"]}");
    String key = created.get("key").asString();
    String keyId = created.at("/details/key_id").asString();
    assertThat(api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(200);

    HttpResponse<String> revoked = api.asAdmin("DELETE", KEYS + "/" + keyId, null);

    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(revoked.body()).get("revoked_at").isNull()).isFalse();
    assertThat(api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(401);
    assertThat(api.asAdmin("DELETE", KEYS + "/no-such-key", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aKeyStopsWorkingWhenItExpires() throws Exception {
    String expires = Instant.now().plusSeconds(2).toString();
    String key =
        api.createKey(
                "{\"name\":\"short\",\"roles\":[\"viewer\"],\"expires_at\":\"%s\"}"
                    .formatted(expires))
            .get("key")
            .asString();
    assertThat(api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(200);

    Thread.sleep(2_500);

    assertThat(api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(401);
  }

  @Test
  void badKeyRequestsAre400sNamingTheField() throws Exception {
    HttpResponse<String> unknownRole =
        api.asAdmin("POST", KEYS, "{\"name\":\"x\",\"roles\":[\"superuser\"]}");
    HttpResponse<String> noRoles = api.asAdmin("POST", KEYS, "{\"name\":\"x\",\"roles\":[]}");
    HttpResponse<String> past =
        api.asAdmin(
            "POST",
            KEYS,
            "{\"name\":\"x\",\"roles\":[\"user\"],\"expires_at\":\"2000-01-01T00:00:00Z\"}");

    HttpResponse<String> farFuture =
        api.asAdmin(
            "POST",
            KEYS,
            "{\"name\":\"x\",\"roles\":[\"user\"],\"expires_at\":\"+300000-01-01T00:00:00Z\"}");

    // The test API's window is 60 s: 60,000,000 requests, one a microsecond, at most.
    HttpResponse<String> tooMany =
        api.asAdmin(
            "POST", KEYS, "{\"name\":\"x\",\"roles\":[\"user\"],\"rate_limit_requests\":60000001}");

    assertThat(List.of(unknownRole, noRoles, past, farFuture, tooMany))
        .allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(400));
    assertThat(JSON.readTree(tooMany.body()).get("field").asString())
        .isEqualTo("rate_limit_requests");
    assertThat(JSON.readTree(farFuture.body()).get("field").asString()).isEqualTo("expires_at");
    assertThat(JSON.readTree(unknownRole.body()).get("field").asString()).startsWith("roles");
    assertThat(JSON.readTree(noRoles.body()).get("field").asString()).isEqualTo("roles");
    assertThat(JSON.readTree(past.body()).get("field").asString()).isEqualTo("expires_at");
  }

  @Test
  void aKeysOwnRateLimitHoldsOnGenerationPaths() throws Exception {
    String key =
        api.createKey("{\"name\":\"slow\",\"roles\":[\"user\"],\"rate_limit_requests\":2}")
            .get("key")
            .asString();

    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(api.send("GET", "/v1/models", null, "X-API-Key", key).statusCode());
    }

    assertThat(statuses).containsExactly(200, 200, 429);
  }

  @Test
  void aKeysLastUseIsWrittenInTheBackground() throws Exception {
    JsonNode created = api.createKey("{\"name\":\"used\",\"roles\":[\"viewer\"]}");
    String keyId = created.at("/details/key_id").asString();
    assertThat(created.at("/details/last_used_at").isNull()).isTrue();
    Instant before = Instant.now().minusSeconds(1);

    api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", created.get("key").asString());
    api.bean(LastUsedRecorder.class).flush();

    JsonNode listed =
        JSON.readTree(api.asAdmin("GET", KEYS, null).body())
            .get("keys")
            .valueStream()
            .filter(k -> k.get("key_id").asString().equals(keyId))
            .findFirst()
            .orElseThrow();
    assertThat(Instant.parse(listed.get("last_used_at").asString())).isAfter(before);
  }

  @Test
  void tokensNeedAKnownSignatureAnExpiryAndARole() throws Exception {
    Instant hour = Instant.now().plusSeconds(3_600);
    String operator = SecuredApi.jwt("ops", List.of("operator"), hour, SecuredApi.SECRET_KEY);
    String noExpiry = SecuredApi.jwt("ops", List.of("admin"), null, SecuredApi.SECRET_KEY);
    String noRole = SecuredApi.jwt("ops", List.of("root"), hour, SecuredApi.SECRET_KEY);
    String unsigned =
        operator.substring(0, operator.lastIndexOf('.') + 1); // alg stays HS256, no signature

    assertThat(status("GET", "/api/v1/local-llm/tasks/active", operator)).isEqualTo(200);
    assertThat(status("GET", KEYS, operator)).isEqualTo(403);
    assertThat(status("GET", "/api/v1/local-llm/tasks/active", noExpiry)).isEqualTo(401);
    assertThat(status("GET", "/api/v1/local-llm/tasks/active", noRole)).isEqualTo(403);
    assertThat(status("GET", "/api/v1/local-llm/tasks/active", unsigned)).isEqualTo(401);
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413WhetherDeclaredOrChunked() throws Exception {
    String big = "{\"name\":\"" + "x".repeat(70 * 1024) + "\",\"roles\":[\"user\"]}";

    HttpResponse<String> declared = api.asAdmin("POST", KEYS, big);
    HttpResponse<String> chunked =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseOf() + KEYS))
                    .header("Content-Type", "application/json")
                    .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
                    .POST(unknownLength(big))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(declared.body()).get("detail").asString())
        .contains("MODELYARD_MAX_REQUEST_BODY");
  }

  @Test
  void errorBodiesHoldNoStackTraceAndNoSecret(CapturedOutput output) throws Exception {
    String key = api.keyWithRoles("secretive-" + RUN, Role.ADMIN);
    String token =
        SecuredApi.jwt(
            "someone", List.of("admin"), Instant.now().plusSeconds(60), SecuredApi.SECRET_KEY);
    List<HttpResponse<String>> responses =
        List.of(
            api.send("POST", KEYS, "{\"name\":", "X-API-Key", key),
            api.send("POST", KEYS, "{\"name\": 5, \"roles\": \"all\"}", "X-API-Key", key),
            api.send("GET", KEYS, null, "X-API-Key", key + "-wrong"),
            api.send("GET", KEYS, null, "Authorization", "Bearer " + token + "x"),
            api.send("GET", KEYS, null, "Authorization", "Bearer " + key.replace('m', 'n')),
            api.send(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"nothing-here\",\"messages\":[]}",
                "X-API-Key",
                key),
            api.send("GET", "/api/v1/local-llm/tasks/no-such-task", null, "X-API-Key", key),
            api.send("GET", "/api/v1/local-llm/models/routing?=false", null, "X-API-Key", key),
            api.send(
                "POST",
                "/api/v1/local-llm/models/pull",
                null,
                "X-API-Key",
                key,
                "Content-Type",
                "multipart/form-data"));

    for (HttpResponse<String> response : responses) {
      assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
      assertThat(response.body())
          .doesNotContain(key, token, PROVIDER_KEY, TestApiKeys.ADMIN, SecuredApi.SECRET_KEY)
          .doesNotContain("Exception", "\tat ", "at dev.modelyard", "at org.springframework");
    }
    // Every secret this process knows or was shown, against everything it logged since it began.
    assertThat(output.getAll())
        .doesNotContain(PROVIDER_KEY)
        .doesNotContain(key)
        .doesNotContain(token)
        .doesNotContain(TestApiKeys.ADMIN)
        .doesNotContain(SecuredApi.SECRET_KEY);
  }

  private static int status(String method, String path, String token) throws Exception {
    return api.send(method, path, null, "Authorization", "Bearer " + token).statusCode();
  }

  private static String baseOf() {
    return "http://127.0.0.1:"
        + api.bean(org.springframework.core.env.Environment.class).getProperty("local.server.port");
  }

  /** A body publisher that does not tell its length, so the request is sent chunked. */
  private static HttpRequest.BodyPublisher unknownLength(String body) {
    HttpRequest.BodyPublisher known = HttpRequest.BodyPublishers.ofString(body);
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return -1;
      }

      @Override
      public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
        known.subscribe(subscriber);
      }
    };
  }
}
