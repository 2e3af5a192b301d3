package dev.modelyard.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.testing.TestApiKeys;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring MVC's own 400s on the real API: a parameter it cannot convert, or one that is missing,
 * names the parameter as every other 400 names its field.
 */
class ProblemDetailsOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ApiProcess api;

  @BeforeAll
  static void start() {
    api = ApiProcess.start("problems_" + RUN, false);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aParameterOfTheWrongTypeIsA400NamingIt() throws Exception {
    HttpResponse<String> response =
        api.get("/api/v1/local-llm/containers/0123456789ab/logs?tail=abc");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("field").asString()).isEqualTo("tail");
    assertThat(problem.get("detail").asString()).isEqualTo("tail must be a whole number");
  }

  @Test
  void whatSpringItselfRefusesOnTheOpenAiEndpointsIsInOpenAisFormat() throws Exception {
    HttpResponse<String> notJson =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(api.uri("/v1/chat/completions"))
                    .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("model=tiny"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> get = api.get("/v1/chat/completions");

    // Before, RFC 9457 problem bodies, which OpenAI's SDKs do not read.
    assertThat(notJson.statusCode()).as(notJson.body()).isEqualTo(415);
    assertThat(get.statusCode()).as(get.body()).isEqualTo(405);
    for (HttpResponse<String> refused : List.of(notJson, get)) {
      assertThat(refused.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      JsonNode error = JSON.readTree(refused.body()).get("error");
      assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
      assertThat(error.get("message").asString()).isNotBlank();
    }
  }

  @Test
  void aMissingRequiredParameterIsA400NamingIt() throws Exception {
    HttpResponse<String> response = api.get("/api/v1/local-llm/models/routing?provider=local_gguf");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("field").asString()).isEqualTo("model_name");
    assertThat(problem.get("detail").asString()).isEqualTo("model_name is required");
  }
}
