package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.testing.TestServices;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The launcher on embedded defaults (embedded PostgreSQL, in-process Temporal, embedded engine),
 * driven only through HTTP, as the README's walk-through does it.
 */
class StandaloneEndToEndTests {

  private static final Duration TASK_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  private RunningModelyard modelyard;

  @AfterEach
  void stop() {
    if (modelyard != null) {
      modelyard.close();
    }
  }

  @Test
  void pullsListsLoadsAndGeneratesThroughTheApi() throws Exception {
    start();

    JsonNode pull =
        post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"local_gguf","model_name":"tiny","path":"%s"}"""
                .formatted(TestServices.tinyModel()),
            202);
    assertThat(pull.get("task_id").asString()).isEqualTo("pull:local_gguf:tiny");
    JsonNode pulled = awaitTask(pull.get("task_id").asString());
    assertThat(pulled.at("/result/sha256").asString())
        .isEqualTo("81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb");

    JsonNode models = get("/api/v1/local-llm/models", 200);
    assertThat(models.at("/models/0/name").asString()).isEqualTo("tiny");
    assertThat(models.at("/models/0/architecture").asString()).isEqualTo("llama");
    assertThat(models.at("/models/0/context_length").asInt()).isEqualTo(4096);

    JsonNode load =
        post(
            "/api/v1/local-llm/models/load",
            """
            {"provider":"local_gguf","model_name":"tiny",
             "resource_requirements":{"context_length":512,"cpu_threads":2}}""",
            202);
    JsonNode loaded = awaitTask(load.get("task_id").asString());
    assertThat(loaded.at("/result/endpoint").asString()).startsWith("http://127.0.0.1:");

    String generate =
        """
        {"prompt":"Hello","max_tokens":8,"temperature":0}""";
    JsonNode first = awaitGeneration(generate);
    assertThat(first.get("text").asString()).isNotEmpty();
    assertThat(first.get("completion_tokens").asInt()).isBetween(1, 8);
    assertThat(first.get("prompt_tokens").asInt()).isPositive();
    assertThat(first.get("model").asString()).isEqualTo("tiny");
    assertThat(first.get("instance_id").asString())
        .isEqualTo(loaded.at("/result/instance_id").asString());
    assertThat(first.get("cached").asBoolean()).isFalse();

    JsonNode second = post("/api/v1/local-llm/generate", generate, 200);
    assertThat(second.get("cached").asBoolean()).isTrue();
    assertThat(second.get("text").asString()).isEqualTo(first.get("text").asString());

    JsonNode again =
        awaitTask(
            post(
                    "/api/v1/local-llm/models/load",
                    """
                    {"provider":"local_gguf","model_name":"tiny"}""",
                    202)
                .get("task_id")
                .asString());
    assertThat(again.at("/result/already_loaded").asBoolean()).isTrue();

    // The running instance doubles as an external OpenAI-compatible server, registered by URL.
    String endpoint = loaded.at("/result/endpoint").asString();
    JsonNode registered =
        awaitTask(
            post(
                    "/api/v1/local-llm/models/register",
                    """
                    {"provider":"openai_compatible","model_name":"tiny-external","base_url":"%s"}"""
                        .formatted(endpoint),
                    202)
                .get("task_id")
                .asString());
    assertThat(registered.at("/result/endpoint").asString()).isEqualTo(endpoint);
    JsonNode external =
        awaitGeneration(
            """
            {"prompt":"Hello","max_tokens":4,"temperature":0.5,"model_preference":"tiny-external"}""");
    assertThat(external.get("provider").asString()).isEqualTo("openai_compatible");

    JsonNode unloaded =
        awaitTask(
            post(
                    "/api/v1/local-llm/models/unload",
                    """
                    {"provider":"local_gguf","model_name":"tiny"}""",
                    202)
                .get("task_id")
                .asString());
    assertThat(unloaded.at("/result/stopped_instance_ids/0").asString())
        .isEqualTo(loaded.at("/result/instance_id").asString());
    JsonNode listed = get("/api/v1/local-llm/models", 200);
    assertThat(listed.at("/models").valueStream())
        .filteredOn(m -> m.get("name").asString().equals("tiny"))
        .singleElement()
        .satisfies(m -> assertThat(m.get("instances").isEmpty()).isTrue());
  }

  @Test
  void aRunningTaskIsListedAsActiveAndCanBeCancelled() throws Exception {
    start();
    // A register whose server never answers keeps retrying its probe: a task that stays running.
    String taskId =
        post(
                "/api/v1/local-llm/models/register",
                """
                {"provider":"openai_compatible","model_name":"nowhere","base_url":"http://127.0.0.1:9"}""",
                202)
            .get("task_id")
            .asString();

    JsonNode active = get("/api/v1/local-llm/tasks/active", 200);
    assertThat(active.at("/tasks").valueStream().map(t -> t.get("task_id").asString()))
        .contains(taskId);

    JsonNode cancelled = delete("/api/v1/local-llm/tasks/" + taskId, 202);
    assertThat(cancelled.get("task_id").asString()).isEqualTo(taskId);
    Instant deadline = Instant.now().plusSeconds(10);
    String status;
    do {
      status = get("/api/v1/local-llm/tasks/" + taskId, 200).get("status").asString();
    } while (status.equals("running") && Instant.now().isBefore(deadline));
    assertThat(status).isEqualTo("canceled");
    assertThat(delete("/api/v1/local-llm/tasks/" + taskId, 409).get("detail").asString())
        .contains("not running");
    assertThat(get("/api/v1/local-llm/models", 200).toString()).doesNotContain("nowhere");
  }

  @Test
  void badInputGetsAProblemNamingTheField() throws Exception {
    start();

    assertField(
        post("/api/v1/local-llm/models/pull", "{\"provider\":\"nope\",\"model_name\":\"x\"}", 400),
        "provider");
    assertField(
        post(
            "/api/v1/local-llm/models/pull",
            "{\"provider\":\"local_gguf\",\"model_name\":\"\"}",
            400),
        "model_name");
    assertField(
        post(
            "/api/v1/local-llm/models/pull",
            "{\"provider\":\"local_gguf\",\"model_name\":\"tiny\"}",
            400),
        "path");
    assertField(
        post("/api/v1/local-llm/generate", "{\"prompt\":\"hi\",\"temperature\":5}", 400),
        "temperature");
    assertField(
        post("/api/v1/local-llm/generate", "{\"prompt\":\"hi\",\"max_tokens\":\"lots\"}", 400),
        "max_tokens");
    assertField(
        post("/api/v1/local-llm/generate", "{\"prompt\":\"hi\",\"colour\":\"red\"}", 400),
        "colour");
    assertField(
        post("/api/v1/local-llm/generate", "{\"prompt\":\"hi\",\"model_preference\":false}", 400),
        "model_preference");
    assertField(
        post(
            "/api/v1/local-llm/models/load",
            "{\"provider\":\"local_gguf\",\"model_name\":\"t\","
                + "\"resource_requirements\":{\"cpu_threads\":0}}",
            400),
        "resource_requirements.cpu_threads");
    JsonNode missing = get("/api/v1/local-llm/tasks/pull:local_gguf:never-pulled", 404);
    assertThat(missing.get("detail").asString()).contains("no task");
    assertField(
        post(
            "/api/v1/local-llm/models/pull",
            "{\"provider\":\"huggingface\",\"model_name\":\"just-a-name\"}",
            400),
        "model_name");
    assertField(
        post(
            "/api/v1/local-llm/models/register",
            "{\"provider\":\"openai_compatible\",\"model_name\":\"x\",\"base_url\":\"ftp://x\"}",
            400),
        "base_url");
    assertField(
        post(
            "/api/v1/local-llm/models/pull",
            "{\"provider\":\"openai_compatible\",\"model_name\":\"x\"}",
            400),
        "provider");
    // PostgreSQL stores no NUL in text: each was a 500, or a task failing minutes later.
    assertField(
        post(
            "/api/v1/local-llm/models/pull",
            "{\"provider\":\"local_ollama\",\"model_name\":\"a\\u0000b\"}",
            400),
        "model_name");
    assertField(
        post("/api/v1/local-llm/keys", "{\"name\":\"x\\u0000\",\"roles\":[\"viewer\"]}", 400),
        "name");
    assertField(get("/api/v1/local-llm/audit?model=a%00b", 400), "model");
    // A prompt is not stored: it reaches the backend as it is (here: no instance is loaded).
    assertThat(
            post("/api/v1/local-llm/generate", "{\"prompt\":\"a\\u0000b\"}", 503)
                .get("detail")
                .asString())
        .contains("load one");
    JsonNode gpu = get("/api/v1/local-llm/metrics/gpu", 200);
    assertThat(gpu.get("devices").isEmpty()).isTrue();
    assertThat(gpu.get("status").asString()).contains("libnvidia-ml.so.1");
    JsonNode noInstance = post("/api/v1/local-llm/generate", "{\"prompt\":\"hi\"}", 503);
    assertThat(noInstance.get("detail").asString()).contains("load one");
    JsonNode noSuchModel =
        post(
            "/api/v1/local-llm/generate", "{\"prompt\":\"hi\",\"model_preference\":\"nope\"}", 404);
    assertThat(noSuchModel.get("detail").asString()).contains("model nope is not registered");
  }

  @Test
  void aRestartKeepsTheRegisteredModels() throws Exception {
    start();
    awaitTask(
        post(
                "/api/v1/local-llm/models/pull",
                """
                {"provider":"local_gguf","model_name":"kept","path":"%s"}"""
                    .formatted(TestServices.tinyModel()),
                202)
            .get("task_id")
            .asString());
    modelyard.close();

    start();

    assertThat(get("/api/v1/local-llm/models", 200).at("/models/0/name").asString())
        .isEqualTo("kept");
    assertThat(modelyard.listensOn().isLoopbackAddress())
        .as("make run serves this machine only, as its embedded services do")
        .isTrue();
  }

  @Test
  void pullsAGgufFromTheHuggingFaceMirrorReportingProgressAndLoadsIt() throws Exception {
    start(
        "modelyard.providers.hf-endpoint=" + TestServices.get("HF_ENDPOINT"),
        // 1.75 MB at 400 KB/s: a few seconds of download to watch through the tasks API.
        "modelyard.models.download.rate-limit=400KB");
    String repo = TestServices.get("HF_TEST_REPO");
    String file = TestServices.get("HF_TEST_FILE");

    JsonNode pull =
        post(
            "/api/v1/local-llm/models/pull",
            """
            {"provider":"huggingface","model_name":"%s","file":"%s"}"""
                .formatted(repo, file),
            202);
    String taskId = pull.get("task_id").asString();
    List<JsonNode> progress = new java.util.ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(60);
    JsonNode task;
    do {
      task = get("/api/v1/local-llm/tasks/" + taskId, 200);
      if (task.hasNonNull("progress")) {
        progress.add(task.get("progress"));
      }
      Thread.sleep(200);
    } while (task.get("status").asString().equals("running") && Instant.now().isBefore(deadline));
    JsonNode pulled = awaitTask(taskId);

    long size = Long.parseLong(TestServices.get("HF_TEST_SIZE"));
    assertThat(progress)
        .as("progress seen through /tasks while downloading")
        .anySatisfy(
            p -> {
              assertThat(p.get("bytes_total").asLong()).isEqualTo(size);
              assertThat(p.get("percent").asDouble()).isBetween(0.0, 100.0);
              assertThat(p.get("eta_seconds").isNumber()).isTrue();
            });
    assertThat(pulled.at("/result/sha256").asString())
        .isEqualTo(TestServices.get("HF_TEST_SHA256"));
    JsonNode model = get("/api/v1/local-llm/models", 200).at("/models/0");
    assertThat(model.get("name").asString()).isEqualTo(repo + "/" + file);
    assertThat(model.get("location").asString())
        .startsWith(dataDir.resolve("models").toString())
        .endsWith(file);
    awaitTask(
        post(
                "/api/v1/local-llm/models/load",
                """
                {"provider":"huggingface","model_name":"%s/%s"}"""
                    .formatted(repo, file),
                202)
            .get("task_id")
            .asString());
    assertThat(
            awaitGeneration(
                    """
                    {"prompt":"Hi","max_tokens":4,"temperature":0,"provider_preference":"huggingface"}""")
                .get("completion_tokens")
                .asInt())
        .isPositive();
  }

  @Test
  void pullsIntoOllamaFromItsRegistryReportingProgressAndListsTheModel(@TempDir Path ollamaDir)
      throws Exception {
    // An Ollama without the model, pulling through the registry's slow mirror (256 KB/s per
    // connection): the 1.75 MB model takes several seconds, so progress can be watched.
    try (ScratchOllama ollama = ScratchOllama.start(ollamaDir)) {
      start("modelyard.providers.ollama-host=" + ollama.baseUrl());
      String model = TestServices.get("OLLAMA_SLOW_REGISTRY_MODEL");

      JsonNode pull =
          post(
              "/api/v1/local-llm/models/pull",
              """
              {"provider":"local_ollama","model_name":"%s"}"""
                  .formatted(model),
              202);
      String taskId = pull.get("task_id").asString();
      assertThat(taskId).isEqualTo("pull:local_ollama:" + model.replace('/', '~'));
      List<JsonNode> progress = new ArrayList<>();
      Instant deadline = Instant.now().plus(TASK_TIMEOUT);
      JsonNode task;
      do {
        task = get("/api/v1/local-llm/tasks/" + taskId, 200);
        if (task.get("status").asString().equals("running") && task.hasNonNull("progress")) {
          progress.add(task.get("progress"));
        }
        Thread.sleep(200);
      } while (task.get("status").asString().equals("running") && Instant.now().isBefore(deadline));
      JsonNode pulled = awaitTask(taskId);

      // Ollama reports each layer of the model on its own, the GGUF weights first: the task sums
      // the layers seen so far, so its bytes done never go back.
      long size = Long.parseLong(TestServices.get("HF_TEST_SIZE"));
      List<Long> weightsDone =
          progress.stream()
              .filter(p -> p.get("bytes_total").asLong() == size)
              .map(p -> p.get("bytes_done").asLong())
              .toList();
      assertThat(progress)
          .as("progress seen through /tasks while pulling")
          .anySatisfy(
              p -> {
                assertThat(p.get("bytes_total").asLong()).isPositive();
                assertThat(p.get("bytes_done").asLong()).isPositive();
                assertThat(p.get("percent").asDouble()).isStrictlyBetween(0.0, 100.0);
                assertThat(p.get("eta_seconds").isNumber()).isTrue();
              });
      assertThat(weightsDone)
          .as("bytes of the weights seen while pulling")
          .satisfies(done -> assertThat(new HashSet<>(done)).hasSizeGreaterThan(1));
      assertThat(progress.stream().map(p -> p.get("bytes_done").asLong()).toList())
          .as("bytes done across layers")
          .isSorted();
      assertThat(pulled.at("/result/sha256").asString()).matches("[0-9a-f]{64}");
      assertThat(pulled.at("/result/size_bytes").asLong()).isGreaterThan(size);

      JsonNode listed =
          get("/api/v1/local-llm/models", 200)
              .at("/models")
              .valueStream()
              .filter(m -> m.get("provider").asString().equals("local_ollama"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no local_ollama model listed"));
      assertThat(listed.get("name").asString()).isEqualTo(model);
      assertThat(listed.get("format").asString()).isEqualTo("ollama");
      assertThat(listed.get("architecture").asString()).isEqualTo("llama");
      assertThat(listed.get("sha256").asString()).isEqualTo(pulled.at("/result/sha256").asString());
      try (OllamaClient client = new OllamaClient(OllamaSettings.of(ollama.baseUrl()))) {
        assertThat(client.tags())
            .singleElement()
            .satisfies(m -> assertThat(m.name()).isEqualTo(model + ":latest"));
      }
    }
  }

  @Test
  void scalesAModelToReplicasThatAllServeAndBackToNone() throws Exception {
    start();
    awaitTask(
        post(
                "/api/v1/local-llm/models/pull",
                """
                {"provider":"local_gguf","model_name":"tiny","path":"%s"}"""
                    .formatted(TestServices.tinyModel()),
                202)
            .get("task_id")
            .asString());

    JsonNode scaled =
        post(
            "/api/v1/local-llm/models/scale",
            """
            {"provider":"local_gguf","model_name":"tiny","desired_instances":2}""",
            202);
    assertThat(scaled.get("task_id").asString()).isEqualTo("deployment:local_gguf:tiny");
    assertThat(scaled.get("desired_instances").asInt()).isEqualTo(2);
    JsonNode two = awaitReplicas(2);
    assertThat(two.get("desired_instances").asInt()).isEqualTo(2);
    assertThat(two.get("instances").valueStream())
        .hasSize(2)
        .allSatisfy(
            i -> {
              assertThat(i.get("endpoint").asString()).startsWith("http://127.0.0.1:");
              assertThat(i.get("health_score").asInt()).isEqualTo(100);
            });
    List<String> ids =
        two.get("instances").valueStream().map(i -> i.get("instance_id").asString()).toList();
    // The router goes round-robin over ready instances, once its table (refreshed every second)
    // has both: within a few seconds, generations reach both.
    java.util.Set<String> served = new java.util.HashSet<>();
    Instant until = Instant.now().plusSeconds(5);
    for (int n = 0; served.size() < 2 && Instant.now().isBefore(until); n++) {
      served.add(
          awaitGeneration(
                  """
                  {"prompt":"Hello %d","max_tokens":2,"temperature":0.7}"""
                      .formatted(n))
              .get("instance_id")
              .asString());
    }
    assertThat(served).containsExactlyInAnyOrderElementsOf(ids);
    JsonNode listed = get("/api/v1/local-llm/models/status?provider=local_gguf", 200);
    assertThat(listed.at("/models/0/model_name").asString()).isEqualTo("tiny");
    assertThat(listed.at("/models/0/actual_instances").asInt()).isEqualTo(2);

    post(
        "/api/v1/local-llm/models/scale",
        """
        {"provider":"local_gguf","model_name":"tiny","desired_instances":0}""",
        202);
    assertThat(awaitReplicas(0).get("instances").isEmpty()).isTrue();

    // An unload also sets the deployment to zero, so that the next re-check does not undo it.
    post(
        "/api/v1/local-llm/models/scale",
        """
        {"provider":"local_gguf","model_name":"tiny","desired_instances":1}""",
        202);
    awaitReplicas(1);
    awaitTask(
        post(
                "/api/v1/local-llm/models/unload",
                """
                {"provider":"local_gguf","model_name":"tiny"}""",
                202)
            .get("task_id")
            .asString());
    JsonNode unloaded = awaitReplicas(0);
    assertThat(unloaded.get("desired_instances").asInt()).isZero();
    assertThat(unloaded.get("phase").asString()).isNotEmpty();

    assertField(
        post(
            "/api/v1/local-llm/models/scale",
            """
            {"provider":"local_gguf","model_name":"tiny","desired_instances":-1}""",
            400),
        "desired_instances");
    assertThat(
            get("/api/v1/local-llm/models/status?provider=local_gguf&model_name=missing", 404)
                .get("detail")
                .asString())
        .contains("not registered");
    assertField(get("/api/v1/local-llm/models/status?provider=nope", 400), "provider");
  }

  /** Scaling is asynchronous: polls the status until exactly this many instances are ready. */
  private JsonNode awaitReplicas(int count) throws Exception {
    Instant deadline = Instant.now().plus(TASK_TIMEOUT);
    JsonNode status;
    do {
      status = get("/api/v1/local-llm/models/status?provider=local_gguf&model_name=tiny", 200);
      if (status.get("actual_instances").asInt() == count
          && status.get("instances").size() == count) {
        return status;
      }
      Thread.sleep(200);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("not " + count + " ready instances: " + status);
  }

  private void start(String... extraProperties) {
    modelyard = RunningModelyard.start(dataDir, extraProperties);
  }

  private JsonNode awaitTask(String taskId) throws Exception {
    return modelyard.awaitTask(taskId);
  }

  /** The routing table picks up a new instance within its refresh interval. */
  private JsonNode awaitGeneration(String body) throws Exception {
    Instant deadline = Instant.now().plusSeconds(5);
    HttpResponse<String> response;
    do {
      response =
          modelyard.send(
              HttpRequest.newBuilder(modelyard.base().resolve("/api/v1/local-llm/generate")), body);
      if (response.statusCode() == 200) {
        return modelyard.expect(response, 200);
      }
      Thread.sleep(100);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("no generation: " + response.statusCode() + " " + response.body());
  }

  private JsonNode get(String path, int expectedStatus) throws Exception {
    return modelyard.get(path, expectedStatus);
  }

  private JsonNode delete(String path, int expectedStatus) throws Exception {
    return modelyard.expect(
        modelyard.send(HttpRequest.newBuilder(modelyard.base().resolve(path)).DELETE(), null),
        expectedStatus);
  }

  private JsonNode post(String path, String body, int expectedStatus) throws Exception {
    return modelyard.post(path, body, expectedStatus);
  }

  private static void assertField(JsonNode problem, String field) {
    assertThat(problem.get("field").asString()).as(problem.toString()).isEqualTo(field);
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.toString()).doesNotContain("Exception").doesNotContain("at dev.");
  }
}
