package dev.modelyard.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.EngineRunner;
import dev.modelyard.infra.engine.LlamaEngine;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * End to end through the real gateway and a real engine runner serving the tiny model: the
 * generation endpoints leave their {@code GenerationOutcome}, and the audit row and the counters
 * carry the model, provider, instance and tokens. It needs the gateway to set the outcome. A
 * generation that fails is counted and audited under the model it was routed to.
 */
class AuditOfTheRealGatewayTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aServedGenerationIsAuditedWithItsModelInstanceAndTokens() throws Exception {
    String model = "tiny-" + RUN;
    String instance = "audited-" + RUN;
    try (EngineRunner runner =
            EngineRunner.start(
                "tiny",
                LlamaEngine.load(TestServices.tinyModel(), EngineOptions.of(512, 1, 1)),
                0);
        ApiProcess api = ApiProcess.start("audit_gateway_" + RUN, false)) {
      registerReady(api, "audit-" + RUN, model, instance, runner.endpoint().toString());

      String body =
          """
          {"model":"%s","max_tokens":2,"temperature":0,
           "messages":[{"role":"user","content":"hello"}]}"""
              .formatted(model);
      HttpResponse<String> response = api.post("/v1/chat/completions", body);
      for (int i = 0; i < 50 && response.statusCode() != 200; i++) {
        Thread.sleep(200); // until the routing table has the instance
        response = api.post("/v1/chat/completions", body);
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      api.post("/v1/chat/completions", body); // the same again: a cache hit
      assertThat(api.bean(AuditLogLifecycle.class).log().flush(Duration.ofSeconds(10))).isTrue();

      Map<String, Object> row =
          api.bean(JdbcClient.class)
              .sql(
                  """
                  select * from request_audit where model = ? and status = 200
                  order by audit_id limit 1""")
              .param(model)
              .query()
              .singleRow();
      assertThat(row.get("provider")).isEqualTo("local_gguf");
      assertThat(row.get("instance_id")).isEqualTo(instance);
      assertThat((Integer) row.get("prompt_tokens")).isPositive();
      assertThat((Integer) row.get("completion_tokens")).isPositive();
      assertThat(row.get("endpoint")).isEqualTo("/v1/chat/completions");
      assertThat(
              api.bean(JdbcClient.class)
                  .sql("select count(*) from request_audit where model = ? and cache_hit")
                  .param(model)
                  .query(Long.class)
                  .single())
          .isEqualTo(1);
      assertThat(api.get("/actuator/prometheus").body())
          .contains("llm_requests_total{cache=\"hit\",model=\"" + model + "\"");
    }
  }

  @Test
  void aFailedGenerationCountsUnderTheModelItWasRoutedTo() throws Exception {
    String model = "gone-" + RUN;
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (ApiProcess api = ApiProcess.start("audit_failure_" + RUN, false)) {
      String instance = "gone-" + RUN;
      // Ready at an address where nothing listens: every call to it fails.
      registerReady(api, "gone-" + RUN, model, instance, "http://127.0.0.1:" + closedPort);

      String body =
          """
          {"model":"%s","max_tokens":2,"temperature":0.5,
           "messages":[{"role":"user","content":"hello"}]}"""
              .formatted(model);
      for (int i = 0; i < 50 && !api.get("/v1/models").body().contains(model); i++) {
        Thread.sleep(200); // until the routing table has the instance
      }
      HttpResponse<String> response = api.post("/v1/chat/completions", body);
      int status = response.statusCode();
      assertThat(status).as(response.body()).isBetween(500, 599);
      assertThat(api.bean(AuditLogLifecycle.class).log().flush(Duration.ofSeconds(10))).isTrue();

      assertThat(api.get("/actuator/prometheus").body())
          .contains(
              "llm_requests_total{cache=\"miss\",model=\""
                  + model
                  + "\",provider=\"local_gguf\",status=\""
                  + status
                  + "\"}");
      assertThat(
              api.bean(JdbcClient.class)
                  .sql(
                      "select count(*) from request_audit where model = ? and provider = ?"
                          + " and status = ?")
                  .param(model)
                  .param("local_gguf")
                  .param(status)
                  .query(Long.class)
                  .single())
          .isPositive();
    }
  }

  /** A model on a host of its own, with one ready instance at {@code endpoint}. */
  private static void registerReady(
      ApiProcess api, String host, String model, String instance, String endpoint) {
    ModelRegistry registry = api.bean(ModelRegistry.class);
    registry.recordHost(host, "modelyard-host-" + host);
    String modelId =
        registry
            .registerModel(
                new RegisterModel(
                    new ModelRef(Provider.LOCAL_GGUF, model),
                    host,
                    new ModelFileFacts(
                        "/models/tiny", 1, "digest", "gguf", "llama", 1, "F32", 512)))
            .modelId();
    registry.recordStarting(
        new NewInstance(instance, modelId, host, ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance(instance, endpoint));
  }
}
