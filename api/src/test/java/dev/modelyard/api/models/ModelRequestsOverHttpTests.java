package dev.modelyard.api.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import io.temporal.client.WorkflowClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model requests refused before any workflow starts, on the real API, in a Temporal namespace of
 * its own so that no other test's worker runs what a wrongly accepted request would start.
 */
class ModelRequestsOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-api-models-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ApiProcess api;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    api =
        ApiProcess.start("models_http_" + RUN, false, "modelyard.temporal.namespace=" + NAMESPACE);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void aScaleNoWorkerTakesIsA503WithinTheDeadlineNotAHang() throws Exception {
    // This namespace has no worker: nothing polls the runtime queue the deployment runs on.
    String name = "unserved-" + RUN;
    registered(name);

    HttpResponse<String> response =
        api.post(
            "/api/v1/local-llm/models/scale",
            """
            {"provider":"local_gguf","model_name":"%s","desired_instances":1}"""
                .formatted(name));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(JSON.readTree(response.body()).get("detail").asString())
        .contains("did not answer within 10 s")
        .contains("may still apply");

    // Its deployment runs, and answers no query: the provider's status still lists every model.
    long began = System.nanoTime();
    HttpResponse<String> status = api.get("/api/v1/local-llm/models/status?provider=local_gguf");
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
    JsonNode unserved = null;
    for (JsonNode model : JSON.readTree(status.body()).get("models")) {
      if (model.get("model_name").asString().equals(name)) {
        unserved = model;
      }
    }
    assertThat(unserved).isNotNull();
    assertThat(unserved.get("phase").asString()).isEqualTo("not answering");
    assertThat(unserved.get("last_failure").asString()).contains("did not answer within PT2S");
  }

  @Test
  void aBadAutoscalingPolicyIsA400EvenForAModelNotRegistered() throws Exception {
    HttpResponse<String> response =
        put(
            "/api/v1/local-llm/models/autoscaling",
            """
            {"provider":"local_gguf","model_name":"unregistered-%s","min_replicas":3,\
            "max_replicas":2}"""
                .formatted(RUN));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("field").asString()).isEqualTo("min_replicas");
  }

  @Test
  void anAutoscalingWaitTooLongToReadAsMillisecondsIsA400NamingItsField() throws Exception {
    for (String field :
        new String[] {
          "scale_up_cooldown_seconds",
          "scale_down_cooldown_seconds",
          "idle_period_seconds",
          "evaluation_interval_seconds"
        }) {
      HttpResponse<String> response =
          put(
              "/api/v1/local-llm/models/autoscaling",
              """
              {"provider":"local_gguf","model_name":"tiny-%s","min_replicas":0,"max_replicas":2,\
              "%s":10000000000000000}"""
                  .formatted(RUN, field));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.get("field").asString()).isEqualTo(field);
      assertThat(problem.get("detail").asString()).startsWith(field + ": ").contains("2592000");
    }
  }

  @Test
  void aWholeNumberFieldRefusesAFractionAndANumberTooLargeNamingTheField() throws Exception {
    // Before: 0.5 was cut to 0, and scaled the model to zero; 3000000000 was "not valid JSON".
    for (String count : new String[] {"0.5", "3000000000"}) {
      HttpResponse<String> response =
          api.post(
              "/api/v1/local-llm/models/scale",
              """
              {"provider":"local_gguf","model_name":"tiny-%s","desired_instances":%s}"""
                  .formatted(RUN, count));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("field").asString())
          .as(count)
          .isEqualTo("desired_instances");
    }
  }

  @Test
  void aRegistrationAtAUrlNoWorkerCouldCallIsA400NamingBaseUrl() throws Exception {
    for (String url : new String[] {"http://[oops", "http://:8080"}) {
      HttpResponse<String> response =
          api.post(
              "/api/v1/local-llm/models/register",
              """
              {"provider":"openai_compatible","model_name":"remote-%s","base_url":"%s"}"""
                  .formatted(RUN, url));

      // Before, a 202, and a task that failed half a minute later.
      assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("field").asString()).isEqualTo("base_url");
    }
  }

  @Test
  void aPullPinnedToAHostNoWorkerReportedFromIsA400NamingHost() throws Exception {
    HttpResponse<String> response =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"tiny-%s","path":"/models/tiny.gguf","host":"nope"}"""
                .formatted(RUN));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("field").asString()).isEqualTo("host");
    assertThat(problem.get("detail").asString()).contains("'nope'");
  }

  @Test
  void aPullPinnedToAKnownHostIsAccepted() throws Exception {
    assertPullPinnedToAKnownHostIsAccepted("host-" + RUN, "pinned-" + RUN);
  }

  @Test
  void aPullPinnedToAKubernetesNodeWithALongNameIsAccepted() throws Exception {
    // Longer than one DNS label (63), as the names of some clouds' nodes are.
    String host = "node-" + RUN + "." + "a".repeat(63) + "." + "b".repeat(63) + ".internal";
    assertPullPinnedToAKnownHostIsAccepted(host, "far-" + RUN);
  }

  /** Records {@code host} as reported from, pins a pull of {@code model} to it: a 202. */
  private void assertPullPinnedToAKnownHostIsAccepted(String host, String model) throws Exception {
    api.bean(ModelRegistry.class).recordHost(host, TaskQueues.host(host));

    HttpResponse<String> response =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"%s","path":"/models/tiny.gguf","host":"%s"}"""
                .formatted(model, host));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String taskId = JSON.readTree(response.body()).get("task_id").asString();
    api.bean(WorkflowClient.class).newUntypedWorkflowStub(taskId).terminate("test over");
  }

  @Test
  void aNameThatWouldShareItsTaskIdsWithAnotherModelIsRefused() throws Exception {
    String name = "Cased-" + RUN;
    registered(name);

    HttpResponse<String> sameButCase =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"%s","path":"/models/c.gguf"}"""
                .formatted(name.toLowerCase()));
    assertThat(sameButCase.statusCode()).as(sameButCase.body()).isEqualTo(409);
    assertThat(JSON.readTree(sameButCase.body()).get("detail").asString())
        .contains("'" + name + "'", "only in case");
    HttpResponse<String> registered =
        api.post(
            "/api/v1/local-llm/models/register",
            """
            {"provider":"openai_compatible","model_name":"ext-~-%s","base_url":"http://127.0.0.1:9"}"""
                .formatted(RUN));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(400);
    assertThat(JSON.readTree(registered.body()).get("field").asString()).isEqualTo("model_name");
    HttpResponse<String> padded =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":" padded-%s","path":"/models/c.gguf"}"""
                .formatted(RUN));
    assertThat(padded.statusCode()).as(padded.body()).isEqualTo(400);
    assertThat(JSON.readTree(padded.body()).get("field").asString()).isEqualTo("model_name");
  }

  @Test
  void aHuggingFacePullOfAnythingButOneWholeGgufFileIsA400BeforeAnyDownload() throws Exception {
    HttpResponse<String> safetensors =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"huggingface","model_name":"org/repo","file":"model.safetensors"}""");
    HttpResponse<String> split =
        api.post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"huggingface","model_name":"org/repo/big-Q4_K_M-00001-of-00003.gguf"}""");

    assertThat(safetensors.statusCode()).as(safetensors.body()).isEqualTo(400);
    assertThat(JSON.readTree(safetensors.body()).get("field").asString()).isEqualTo("file");
    assertThat(split.statusCode()).as(split.body()).isEqualTo(400);
    JsonNode problem = JSON.readTree(split.body());
    assertThat(problem.get("field").asString()).isEqualTo("model_name");
    assertThat(problem.get("detail").asString()).contains("split");
  }

  @Test
  void aPullJoinsOneRunningForTheSameFileAndIsA409ForAnotherFile() throws Exception {
    // No worker polls this namespace: the first pull stays running.
    String name = "joined-" + RUN;
    String pull =
        """
        {"provider":"local_gguf","model_name":"%s","path":"%s"}""";
    HttpResponse<String> first =
        api.post("/api/v1/local-llm/models/pull", pull.formatted(name, "/a.gguf"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    String taskId = JSON.readTree(first.body()).get("task_id").asString();
    try {
      HttpResponse<String> same =
          api.post("/api/v1/local-llm/models/pull", pull.formatted(name, "/a.gguf"));
      HttpResponse<String> otherFile =
          api.post("/api/v1/local-llm/models/pull", pull.formatted(name, "/b.gguf"));
      HttpResponse<String> otherCase =
          api.post("/api/v1/local-llm/models/pull", pull.formatted(name.toUpperCase(), "/a.gguf"));

      assertThat(same.statusCode()).as(same.body()).isEqualTo(202);
      assertThat(JSON.readTree(same.body()).get("task_id").asString()).isEqualTo(taskId);
      assertThat(otherFile.statusCode()).as(otherFile.body()).isEqualTo(409);
      assertThat(JSON.readTree(otherFile.body()).get("detail").asString())
          .contains(taskId, "/a.gguf");
      assertThat(otherCase.statusCode()).as(otherCase.body()).isEqualTo(409);
    } finally {
      api.bean(WorkflowClient.class).newUntypedWorkflowStub(taskId).terminate("test over");
    }
  }

  @Test
  void aRegistrationJoinsOneRunningForTheSameUrlAndIsA409ForAnotherUrl() throws Exception {
    // No worker polls this namespace: the first registration stays running.
    String name = "endpoint-" + RUN;
    String register =
        """
        {"provider":"openai_compatible","model_name":"%s","base_url":"%s"}""";
    HttpResponse<String> first =
        api.post(
            "/api/v1/local-llm/models/register", register.formatted(name, "http://10.0.0.7:8000"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    String taskId = JSON.readTree(first.body()).get("task_id").asString();
    try {
      HttpResponse<String> same =
          api.post(
              "/api/v1/local-llm/models/register",
              register.formatted(name, "http://10.0.0.7:8000"));
      HttpResponse<String> corrected =
          api.post(
              "/api/v1/local-llm/models/register",
              register.formatted(name, "http://10.0.0.7:8001"));

      assertThat(same.statusCode()).as(same.body()).isEqualTo(202);
      assertThat(JSON.readTree(same.body()).get("task_id").asString()).isEqualTo(taskId);
      // Before, a 202 for the running task, and the corrected URL was dropped.
      assertThat(corrected.statusCode()).as(corrected.body()).isEqualTo(409);
      assertThat(JSON.readTree(corrected.body()).get("detail").asString()).contains(taskId);
    } finally {
      api.bean(WorkflowClient.class).newUntypedWorkflowStub(taskId).terminate("test over");
    }
  }

  /** A local_gguf model as a pull registers it, straight into the registry. */
  private static void registered(String name) {
    api.bean(ModelRegistry.class)
        .registerModel(
            new RegisterModel(
                new ModelRef(Provider.LOCAL_GGUF, name),
                null,
                new ModelFileFacts(
                    "/models/" + name + ".gguf", 100, "00ff", "gguf", "llama", 5, "Q4_0", 2048)));
  }

  private HttpResponse<String> put(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(api.uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
