package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.workflows.models.Provider;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fallback chain of two cloud providers, where the first cannot express the request. Neither API
 * can be reached from here: a local server replays OpenAI's recorded answer in its real format (the
 * fixture), and Anthropic's adapter is given a key so that it is in the chain, but is never called.
 */
class GatewayCloudChainFixtureTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "chained-" + RUN;
  private static final String ANTHROPIC_ONLY = "anthropic-only-" + RUN;
  private static final List<String> received = new CopyOnWriteArrayList<>();

  private static HttpServer openAi;
  private static ApiReplica api;

  @BeforeAll
  static void start() throws Exception {
    byte[] recorded = LoopbackBackends.recordedOpenAiAnswer();
    openAi =
        LoopbackBackends.chat(
            exchange -> {
              received.add(new String(exchange.getRequestBody().readAllBytes()));
              LoopbackBackends.answerJson(exchange, recorded);
            });
    api =
        ApiReplica.start(
            "gateway_chain_" + RUN,
            "modelyard.cloud.openai-api-key=sk-fixture-" + RUN,
            "modelyard.cloud-endpoints.openai=" + LoopbackBackends.endpointOf(openAi),
            "modelyard.cloud.anthropic-api-key=sk-ant-fixture-" + RUN,
            "modelyard.cloud-endpoints.anthropic=" + LoopbackBackends.endpointOf(openAi),
            "modelyard.gateway.fallbacks."
                + MODEL
                + "=anthropic:claude-sonnet-4-5,openai:gpt-4o-mini",
            "modelyard.gateway.fallbacks." + ANTHROPIC_ONLY + "=anthropic:claude-sonnet-4-5",
            "modelyard.gateway.retries=0");
    LoopbackBackends.onlyARefusingInstance(api, MODEL, "gone-" + RUN);
    new RegisteredInstances(api).model(Provider.OPENAI_COMPATIBLE, ANTHROPIC_ONLY, "digest", 4096);
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
  void aRequestTheFirstProviderCannotExpressGoesOnToTheNextInsteadOfA400() throws Exception {
    HttpResponse<String> response =
        api.post(
            "/v1/chat/completions",
            """
            {"model":"%s","messages":[
              {"role":"user","content":"What is 6 times 7?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"multiply","arguments":"{\\"a\\":6,\\"b\\":7}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"42"}]}"""
                .formatted(MODEL));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Modelyard-Instance")).hasValue("cloud:openai");
    assertThat(received)
        .as("only OpenAI was called, with the tool message as sent")
        .singleElement()
        .asString()
        .contains("\"tool_call_id\":\"call_1\"");
  }

  @Test
  void aRequestNoStepCanTakeIsA400SayingWhyNotARetryable503() throws Exception {
    // The model has no instance: its only fallback cannot express tools, and nothing failed.
    HttpResponse<String> response =
        api.post(
            "/v1/chat/completions",
            """
            {"model":"%s","messages":[{"role":"user","content":"6 times 7?"}],
             "tools":[{"type":"function","function":{"name":"multiply"}}]}"""
                .formatted(ANTHROPIC_ONLY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("no fallback can take this request", "asks for tools");
  }
}
