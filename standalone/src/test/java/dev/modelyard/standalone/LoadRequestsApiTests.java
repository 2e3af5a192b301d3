package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Load and container requests that are answered before anything runs: a placement refusal (409) and
 * bad input (400), on the launcher's embedded defaults, through HTTP.
 */
class LoadRequestsApiTests {

  @TempDir Path dataDir;

  private RunningModelyard modelyard;

  @BeforeEach
  void start() {
    modelyard = RunningModelyard.start(dataDir);
  }

  @AfterEach
  void stop() {
    modelyard.close();
  }

  @Test
  @Timeout(120)
  void aLoadThatFitsNowhereIsRefusedWith409SayingWhatItNeedsAndWhatIsFree() throws Exception {
    pull("tiny-huge");
    // Recorded as a trillion parameters: at F16 that is about 1.8 TiB, more than any test host.
    modelyard
        .bean(JdbcClient.class)
        .sql("update models set parameter_count = 1000000000000 where name = 'tiny-huge'")
        .update();

    long began = System.nanoTime();
    HttpResponse<String> response =
        modelyard.send(
            HttpRequest.newBuilder(modelyard.base().resolve("/api/v1/local-llm/models/load")),
            """
            {"provider":"local_gguf","model_name":"tiny-huge"}""");
    long tookMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
    System.out.printf("LoadRequestsApiTests: placement refusal answered in %d ms%n", tookMillis);

    JsonNode problem = modelyard.expect(response, 409);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(problem.get("need_bytes").asLong()).isGreaterThan(1L << 40);
    assertThat(problem.get("largest_free_bytes").asLong())
        .isPositive()
        .isLessThan(problem.get("need_bytes").asLong());
    assertThat(problem.get("detail").asString()).contains("GiB");
    assertThat(tookMillis).isLessThan(2_500);
    assertThat(modelyard.get("/api/v1/local-llm/models", 200).toString())
        .as("nothing started")
        .doesNotContain("instance_id");

    // A load that fits still answers 202, after placement, without waiting the full bound.
    pull("tiny-fits");
    began = System.nanoTime();
    JsonNode accepted =
        modelyard.post(
            "/api/v1/local-llm/models/load",
            """
            {"provider":"local_gguf","model_name":"tiny-fits",
             "resource_requirements":{"context_length":512,"memory":536870912}}""",
            202);
    System.out.printf(
        "LoadRequestsApiTests: a load that fits answered 202 in %d ms%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());
    modelyard.awaitTask(accepted.get("task_id").asString());
  }

  @Test
  @Timeout(120)
  void aLoadOrUnloadOfAModelNotRegisteredIs404EvenWhenItsNameDiffersFromOneOnlyInCase()
      throws Exception {
    pull("tiny-cased");
    modelyard.post(
        "/api/v1/local-llm/models/scale",
        """
        {"provider":"local_gguf","model_name":"tiny-cased","desired_instances":1}""",
        202);

    for (String path :
        List.of(
            "/api/v1/local-llm/models/load",
            "/api/v1/local-llm/models/unload",
            "/api/v1/local-llm/containers/create")) {
      assertThat(
              modelyard
                  .post(
                      path,
                      """
                      {"provider":"local_gguf","model_name":"TINY-cased"}""",
                      404)
                  .get("detail")
                  .asString())
          .as(path)
          .contains("is not registered");
    }
    // Before, the unload's ID, in lower case, was that of tiny-cased's deployment: scaled to zero.
    assertThat(
            modelyard
                .get(
                    "/api/v1/local-llm/models/status?provider=local_gguf&model_name=tiny-cased",
                    200)
                .get("desired_instances")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  @Timeout(120)
  void aLoadOfAModelWhoseDeploymentHoldsZeroIsA409SayingHowToScaleOrEndIt() throws Exception {
    pull("tiny-held");
    String deployment =
        modelyard
            .post(
                "/api/v1/local-llm/models/scale",
                """
                {"provider":"local_gguf","model_name":"tiny-held","desired_instances":0}""",
                202)
            .get("task_id")
            .asString();
    String load =
        """
        {"provider":"local_gguf","model_name":"tiny-held"}""";

    // Before, the load started an instance that the deployment stopped at its next check.
    JsonNode problem = modelyard.post("/api/v1/local-llm/models/load", load, 409);
    assertThat(problem.get("detail").asString())
        .contains(
            "holds 0 instances", "/models/scale", "DELETE /api/v1/local-llm/tasks/" + deployment);
    assertThat(modelyard.get("/api/v1/local-llm/models", 200).toString())
        .as("nothing started")
        .doesNotContain("instance_id");

    modelyard.expect(
        modelyard.send(
            HttpRequest.newBuilder(
                    modelyard.base().resolve("/api/v1/local-llm/tasks/" + deployment))
                .DELETE(),
            null),
        202);
    Instant deadline = Instant.now().plusSeconds(30);
    while (modelyard
        .get("/api/v1/local-llm/tasks/" + deployment, 200)
        .get("status")
        .asString()
        .equals("running")) {
      assertThat(Instant.now()).as("deployment ended").isBefore(deadline);
      Thread.sleep(200);
    }
    modelyard.awaitTask(
        modelyard.post("/api/v1/local-llm/models/load", load, 202).get("task_id").asString());
  }

  @Test
  @Timeout(120)
  void aTaskOfAModelWhoseNameAPathMustEscapeIsReadAtItsStatusUrl() throws Exception {
    JsonNode accepted =
        modelyard.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"tiny #2","path":"%s"}"""
                .formatted(TestServices.tinyModel()),
            202);
    String statusUrl = accepted.get("status_url").asString();

    assertThat(statusUrl).isEqualTo("/api/v1/local-llm/tasks/pull:local_gguf:tiny%20%232");
    assertThat(modelyard.get(statusUrl, 200).get("task_id").asString())
        .isEqualTo(accepted.get("task_id").asString());
    modelyard.awaitTask(statusUrl.substring("/api/v1/local-llm/tasks/".length()));
    // What the server refuses in a path even escaped is refused in a name.
    assertField(
        modelyard.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"tiny;2","path":"%s"}"""
                .formatted(TestServices.tinyModel()),
            400),
        "model_name");
    assertField(
        modelyard.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"tiny\\n2","path":"%s"}"""
                .formatted(TestServices.tinyModel()),
            400),
        "model_name");
  }

  @Test
  void badContainerRequestsGetAProblemNamingTheField() throws Exception {
    assertField(
        modelyard.post(
            "/api/v1/local-llm/models/load",
            """
            {"provider":"local_gguf","model_name":"t","resource_requirements":{"memory":"lots"}}""",
            400),
        "resource_requirements.memory");
    assertField(
        modelyard.post(
            "/api/v1/local-llm/containers/create",
            """
            {"provider":"local_gguf","model_name":"t","resource_requirements":{"memory":"1MB"}}""",
            400),
        "resource_requirements.memory");
    assertField(
        modelyard.post(
            "/api/v1/local-llm/models/load",
            """
            {"provider":"local_gguf","model_name":"t",
             "resource_requirements":{"gpu_device_ids":["0","GPU-nope"]}}""",
            400),
        "resource_requirements.gpu_device_ids[1]");
    assertField(
        modelyard.post(
            "/api/v1/local-llm/containers/create",
            """
            {"provider":"openai_compatible","model_name":"tiny"}""",
            400),
        "provider");
    assertField(
        modelyard.get("/api/v1/local-llm/containers/abcdefabcdef/logs?tail=0", 400), "tail");
    assertField(modelyard.get("/api/v1/local-llm/containers/bad%20id/logs", 400), "container_id");
    assertThat(
            modelyard
                .get("/api/v1/local-llm/containers/abcdefabcdef/logs", 404)
                .get("detail")
                .asString())
        .contains("abcdefabcdef");
  }

  @Test
  void aLocalOllamaContainerOnAHostWhoseRuntimeHasNoOllamaImageIsRefusedNamingTheProvider()
      throws Exception {
    // Registered as a pull through Ollama would; this host runs instances in process.
    String hostId = modelyard.bean(HostSettings.class).hostId();
    modelyard
        .bean(ModelRegistry.class)
        .registerModel(
            new RegisterModel(
                new ModelRef(Provider.LOCAL_OLLAMA, "tiny-ollama"),
                hostId,
                new ModelFileFacts(
                    "tiny-ollama:latest", 1, "00", "gguf", "llama", 1L, "F16", 512)));

    JsonNode problem =
        modelyard.post(
            "/api/v1/local-llm/containers/create",
            """
            {"provider":"local_ollama","model_name":"tiny-ollama"}""",
            400);

    assertField(problem, "provider");
    assertThat(problem.get("detail").asString())
        .contains("Ollama image", "MODELYARD_DOCKER_RUNTIME_OLLAMA_IMAGE", hostId);
    assertThat(modelyard.get("/api/v1/local-llm/models", 200).toString())
        .as("nothing started")
        .doesNotContain("instance_id");
  }

  @Test
  @Timeout(120)
  void aModelContainerOnAHostThatRunsInstancesInProcessIsRefusedWith409() throws Exception {
    pull("tiny-no-container");
    String hostId = modelyard.bean(HostSettings.class).hostId();

    JsonNode problem =
        modelyard.post(
            "/api/v1/local-llm/containers/create",
            """
            {"provider":"local_gguf","model_name":"tiny-no-container"}""",
            409);

    assertThat(problem.get("detail").asString())
        .contains(hostId, "without containers", "models/load", "MODELYARD_RUNTIME=docker");
    assertThat(modelyard.get("/api/v1/local-llm/models", 200).toString())
        .as("nothing started")
        .doesNotContain("instance_id");
  }

  @Test
  @Timeout(60)
  void aContainerNotFoundWhileAHostDidNotAnswerIsA503NamingThatHostNotA404() throws Exception {
    // A host recorded as polling its queue, whose worker is gone.
    String gone = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    modelyard.bean(ModelRegistry.class).recordHost(gone, TaskQueues.host(gone));
    try {
      JsonNode problem = modelyard.get("/api/v1/local-llm/containers/abcdefabcdef/logs", 503);

      assertThat(problem.get("detail").asString()).contains("abcdefabcdef", gone);
    } finally {
      modelyard
          .bean(JdbcClient.class)
          .sql("delete from hosts where host_id = :host")
          .param("host", gone)
          .update();
    }
  }

  private void pull(String name) throws Exception {
    modelyard.awaitTask(
        modelyard
            .post(
                "/api/v1/local-llm/models/pull",
                """
                {"provider":"local_gguf","model_name":"%s","path":"%s"}"""
                    .formatted(name, TestServices.tinyModel()),
                202)
            .get("task_id")
            .asString());
  }

  private static void assertField(JsonNode problem, String field) {
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("field").asString()).as(problem.toString()).isEqualTo(field);
  }
}
