package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestNamespace;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client sending made-up API keys gets each looked up in PostgreSQL only until its address has
 * had MODELYARD_UNKNOWN_KEYS_PER_MINUTE of them; then its keys that are not cached get 429s without
 * a lookup, on the generation path and on the others, while cached keys keep working. An unknown
 * key presented again is answered from the cache and counts once.
 */
class UnknownKeysPerAddressTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-unknown-keys-" + RUN;
  private static final int LIMIT = 5;
  private static final String CHAT = "/v1/chat/completions";
  private static final String MODELS = "/api/v1/local-llm/models";
  private static final String BODY =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static SecuredApi api;

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    api =
        SecuredApi.start(
            "security_unknown_keys_" + RUN,
            NAMESPACE,
            "modelyard.security.unknown-keys-per-minute=" + LIMIT);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void anAddressPastItsUnknownKeysGets429sForKeysNotCachedAndCachedKeysStillWork()
      throws Exception {
    String usedKey = api.keyWithRoles("used-" + RUN, Role.USER, Role.VIEWER);
    String unusedKey = api.keyWithRoles("unused-" + RUN, Role.USER, Role.VIEWER);
    assertThat(status(MODELS, usedKey)).isEqualTo(200);

    String repeated = madeUpKey();
    for (int i = 0; i < 3 * LIMIT; i++) {
      assertThat(status(MODELS, repeated)).as("known unknown: counted once").isEqualTo(401);
    }
    for (int i = 1; i < LIMIT; i++) {
      assertThat(status(i % 2 == 0 ? CHAT : MODELS, madeUpKey())).isEqualTo(401);
    }
    HttpResponse<String> refused = send(CHAT, madeUpKey());
    HttpResponse<String> refusedProblem = send(MODELS, madeUpKey());

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
    assertThat(error.get("message").asString()).contains("unknown API keys");
    assertThat(refusedProblem.statusCode()).isEqualTo(429);
    assertThat(refusedProblem.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    assertThat(status(MODELS, usedKey)).as("a cached key").isEqualTo(200);
    assertThat(status(MODELS, repeated)).as("a cached unknown key").isEqualTo(401);
    assertThat(status(MODELS, unusedKey))
        .as("a valid key not yet cached: refused, so it was not looked up")
        .isEqualTo(429);

    api.bean(ApiKeys.class).changed(null); // as when the change listener reconnects
    assertThat(status(MODELS, usedKey))
        .as("a key found before is looked up again whatever its address did")
        .isEqualTo(200);
    assertThat(status(MODELS, madeUpKey())).isEqualTo(429);
  }

  private static String madeUpKey() {
    return "my-" + UUID.randomUUID() + UUID.randomUUID();
  }

  private static int status(String path, String key) throws Exception {
    return send(path, key).statusCode();
  }

  private static HttpResponse<String> send(String path, String key) throws Exception {
    return path.equals(CHAT)
        ? api.send("POST", path, BODY, "Authorization", "Bearer " + key)
        : api.send("GET", path, null, "X-API-Key", key);
  }
}
