package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.workflows.models.Provider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Route to the optimal model" when the request names none, on an API replica of its own (so that
 * only this test's models are there to choose from), against loopback backends.
 */
class GatewayModelChoiceTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String ANSWER =
      "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":1,\"total_tokens\":2}}";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ApiReplica api;
  private static HttpServer small;
  private static HttpServer large;

  @BeforeAll
  static void start() throws Exception {
    small =
        LoopbackBackends.answering(
            400,
            "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}");
    large = LoopbackBackends.answering(200, ANSWER);
    api = ApiReplica.start("gateway_choice_" + RUN);
    RegisteredInstances registry = new RegisteredInstances(api);
    // Alike in health and load: the smaller one's name comes first, so it is chosen first.
    String a = registry.model(Provider.OPENAI_COMPATIBLE, "a-small-" + RUN, "digest-a", 4096);
    String b = registry.model(Provider.OPENAI_COMPATIBLE, "b-large-" + RUN, "digest-b", 32768);
    registry.ready(a, "small-" + RUN, LoopbackBackends.endpointOf(small));
    registry.ready(b, "large-" + RUN, LoopbackBackends.endpointOf(large));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    small.stop(0);
    large.stop(0);
  }

  @Test
  void aModelTheGatewayChoseThatRefusesTheRequestGivesWayToTheNextInTheRanking() throws Exception {
    HttpResponse<String> response =
        chooseAModelFor(
            """
            {"messages":[{"role":"user","content":"a long document, as the small model finds"}]}""");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Modelyard-Instance")).hasValue("large-" + RUN);
    assertThat(response.body()).contains("whole");
  }

  @Test
  void soDoesOneChosenForACacheableRequest() throws Exception {
    HttpResponse<String> response =
        chooseAModelFor(
            """
            {"temperature":0,"messages":[{"role":"user","content":"a long document, cached"}]}""");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("whole");
  }

  @Test
  void aRefusalFollowedByAFailureIsA503WhetherTheRequestIsCacheableOrNot() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    HttpServer failing = LoopbackBackends.answering(500, "{\"error\":{\"message\":\"boom\"}}");
    try (ApiReplica own = ApiReplica.start("gateway_choice_failing_" + run)) {
      RegisteredInstances registry = new RegisteredInstances(own);
      String a = registry.model(Provider.OPENAI_COMPATIBLE, "a-small-" + run, "digest-a", 4096);
      String c = registry.model(Provider.OPENAI_COMPATIBLE, "c-failing-" + run, "digest-c", 32768);
      registry.ready(a, "small-" + run, LoopbackBackends.endpointOf(small));
      registry.ready(c, "failing-" + run, LoopbackBackends.endpointOf(failing));
      own.awaitRoutable(Duration.ofSeconds(15), "a-small-" + run, "c-failing-" + run);

      for (String temperature : new String[] {"0.7", "0"}) {
        HttpResponse<String> response =
            own.post(
                "/v1/chat/completions",
                """
                {"temperature":%s,"messages":[{"role":"user","content":"long, then failed"}]}"""
                    .formatted(temperature));
        // The next model may take it once it recovers: retry, not "your request is wrong". The
        // cacheable one was the small model's 400.
        assertThat(response.statusCode()).as("temperature " + temperature).isEqualTo(503);
        assertThat(response.body()).contains("every instance failed");
      }
    } finally {
      failing.stop(0);
    }
  }

  @Test
  void aRequestNoReadyModelsContextHoldsIsA400NamingTheFieldNotA503ToRetry() throws Exception {
    api.awaitRoutable(Duration.ofSeconds(15), "a-small-" + RUN, "b-large-" + RUN);

    HttpResponse<String> response =
        api.post(
            "/v1/chat/completions",
            """
            {"max_tokens":100000,"messages":[{"role":"user","content":"a short question"}]}""");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertThat(error.get("param").asString()).isEqualTo("max_tokens");
    assertThat(error.get("message").asString()).contains("the largest ready context is 32768");
  }

  @Test
  void aModelThatIsNoNameIsA400NamingModel() throws Exception {
    for (String model : new String[] {"{\"x\":1}", "[\"a\"]", "7"}) {
      HttpResponse<String> response =
          api.post(
              "/v1/chat/completions",
              """
              {"model":%s,"messages":[{"role":"user","content":"hi"}]}"""
                  .formatted(model));

      // An object or an array was a 500.
      assertThat(response.statusCode()).as(model).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).at("/error/param").asString()).isEqualTo("model");
    }
  }

  /** Asks until both instances are in the routing table, or 15 s have passed. */
  private static HttpResponse<String> chooseAModelFor(String body) throws Exception {
    HttpResponse<String> response = null;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(deadline)) {
      response = api.post("/v1/chat/completions", body);
      if (response.statusCode() == 200) {
        return response;
      }
      Thread.sleep(100);
    }
    return response;
  }
}
