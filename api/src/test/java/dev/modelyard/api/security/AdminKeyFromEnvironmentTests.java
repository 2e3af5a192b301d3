package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestNamespace;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MODELYARD_ADMIN_KEY across restarts: a changed variable retires the key it held before; without
 * it and without an admin key, the start says how to get one.
 */
class AdminKeyFromEnvironmentTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-admin-" + RUN;
  private static final String KEYS = "/api/v1/local-llm/keys";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @BeforeAll
  static void namespace() {
    TestNamespace.create(NAMESPACE);
  }

  @AfterAll
  static void dropNamespace() {
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void changingTheVariableRevokesTheKeyItHeldBefore() throws Exception {
    String schema = "security_admin_key_" + RUN;
    String before = "my-admin-key-before-" + RUN + "-0123456789abcdefghijklmn";
    String after = "my-admin-key-after-" + RUN + "-0123456789abcdefghijklmn";
    try (SecuredApi api = adminKey(schema, before)) {
      assertThat(status(api, before)).isEqualTo(200);
    }

    try (SecuredApi api = adminKey(schema, after)) {
      assertThat(status(api, after)).isEqualTo(200);
      assertThat(status(api, before)).as("the key the variable held before").isEqualTo(401);
      List<JsonNode> fromVariable =
          JSON.readTree(get(api, after).body())
              .get("keys")
              .valueStream()
              .filter(key -> key.get("name").asString().equals("MODELYARD_ADMIN_KEY"))
              .toList();
      assertThat(fromVariable).hasSize(2);
      assertThat(fromVariable)
          .filteredOn(key -> key.get("revoked_at").isNull())
          .singleElement()
          .satisfies(key -> assertThat(after).startsWith(key.get("key_prefix").asString()));
    }
  }

  @Test
  void noKeyMadeThroughTheApiMayTakeTheVariablesName() throws Exception {
    String key = "my-admin-key-naming-" + RUN + "-0123456789abcdefghijklmn";
    try (SecuredApi api = adminKey("security_admin_name_" + RUN, key)) {
      HttpResponse<String> refused =
          api.send(
              "POST",
              KEYS,
              """
              {"name":"MODELYARD_ADMIN_KEY","roles":["user"]}""",
              "Authorization",
              "Bearer " + key);

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).get("field").asString()).isEqualTo("name");
    }
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void aStartWithoutTheVariableNorAnAdminKeyNorTokensSaysHowToGetOne(CapturedOutput output)
      throws Exception {
    // The console, not a Logback appender: the application's start resets Logback's appenders.
    try (SecuredApi api =
        SecuredApi.start(
            "security_no_admin_" + RUN,
            NAMESPACE,
            "-" + TestApiKeys.ADMIN_KEY_PROPERTY,
            "-modelyard.security.secret-key")) {
      assertThat(status(api, "my-any-key-" + RUN + "-0123456789abcdefghijklmn")).isEqualTo(401);
    }

    assertThat(output.getOut())
        .containsPattern("WARN .*no API key may administer this installation")
        .contains("MODELYARD_ADMIN_KEY is not set");
  }

  private static SecuredApi adminKey(String schema, String key) {
    return SecuredApi.start(schema, NAMESPACE, "modelyard.security.admin-key=" + key);
  }

  private static int status(SecuredApi api, String key) throws Exception {
    return get(api, key).statusCode();
  }

  private static HttpResponse<String> get(SecuredApi api, String key) throws Exception {
    return api.send("GET", KEYS, null, "Authorization", "Bearer " + key);
  }
}
