package dev.modelyard.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import java.net.http.HttpResponse;
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
  void aMissingRequiredParameterIsA400NamingIt() throws Exception {
    HttpResponse<String> response = api.get("/api/v1/local-llm/models/routing?provider=local_gguf");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("field").asString()).isEqualTo("model_name");
    assertThat(problem.get("detail").asString()).isEqualTo("model_name is required");
  }
}
