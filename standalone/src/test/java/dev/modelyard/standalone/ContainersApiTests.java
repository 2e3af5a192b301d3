package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSummary;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The containers API on the launcher with the Docker runtime, against the test environment's real
 * Docker engine and registry, driven only through HTTP (the test itself looks at Docker to check
 * what the API says). The API process never talks to Docker: its calls go through the workers.
 */
class ContainersApiTests {

  private static final long MEMORY = 512L << 20;

  private final String hostId = "e2e-containers-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path dataDir;

  private DockerEngine docker;
  private RunningModelyard modelyard;

  @BeforeEach
  void start() {
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    modelyard =
        RunningModelyard.start(
            dataDir,
            "modelyard.host-id=" + hostId,
            "modelyard.runtime=docker",
            "modelyard.docker.host=" + TestServices.get("DOCKER_HOST"),
            "modelyard.docker.runtime.engine-runner-image=" + TestImages.engineRunner(),
            "modelyard.docker.runtime.health-interval=1s",
            "modelyard.health.interval=1s",
            "modelyard.health.suspect-interval=1s");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (modelyard != null) {
        modelyard.close();
      }
    } finally {
      // Whatever a failed assertion left behind.
      labelled().forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
      docker.close();
    }
  }

  @Test
  @Timeout(300)
  void createsListsLogsRepairsAndDeletesAModelContainer() throws Exception {
    pull("tiny-c");

    JsonNode accepted =
        modelyard.post(
            "/api/v1/local-llm/containers/create",
            """
            {"provider":"local_gguf","model_name":"tiny-c",
             "resource_requirements":{"context_length":512,"cpu_threads":1,"parallel_slots":1,
                                      "memory":"512MB"}}""",
            202);
    JsonNode created = modelyard.awaitTask(accepted.get("task_id").asString());
    String instanceId = created.at("/result/instance_id").asString();
    String containerId = created.at("/result/container_id").asString();
    assertThat(containerId).matches("[0-9a-f]{64}");

    ContainerInfo info = docker.inspect(containerId).orElseThrow();
    assertThat(info.state().running()).isTrue();
    assertThat(info.memoryLimitBytes()).isEqualTo(MEMORY);
    assertThat(info.labels())
        .containsEntry(ContainerLabels.INSTANCE, instanceId)
        .containsEntry(ContainerLabels.HOST, hostId);
    assertThat(chat()).as("a real generation through the gateway").isEqualTo(instanceId);

    JsonNode listed = modelyard.get("/api/v1/local-llm/containers", 200);
    assertThat(listed.get("unreachable_hosts").isEmpty()).isTrue();
    JsonNode container = only(listed, containerId);
    assertThat(container.get("instance_id").asString()).isEqualTo(instanceId);
    assertThat(container.get("host_id").asString()).isEqualTo(hostId);
    assertThat(container.get("state").asString()).isEqualTo("running");
    assertThat(container.get("endpoint").asString())
        .isEqualTo(created.at("/result/endpoint").asString());

    JsonNode logs =
        modelyard.get(
            "/api/v1/local-llm/containers/" + containerId.substring(0, 12) + "/logs?tail=20", 200);
    assertThat(logs.get("container_id").asString())
        .as("the prefix, resolved")
        .isEqualTo(containerId);
    assertThat(logs.get("lines").size()).isBetween(1, 20);
    assertThat(logs.get("lines").toString()).contains("LISTENING");
    // Fewer than 12 hex digits is no prefix (it could name several containers, or the wrong one).
    modelyard.get(
        "/api/v1/local-llm/containers/" + containerId.substring(0, 3) + "/logs?tail=20", 404);

    // Killed behind Modelyard's back: the health loop notices and restarts it in a new container.
    long killed = System.nanoTime();
    docker.kill(containerId);
    String replacement = awaitReplacement(instanceId, containerId);
    long killToHealthy = Duration.ofNanos(System.nanoTime() - killed).toMillis();
    System.out.printf(
        "ContainersApiTests: docker kill -> new container ready and healthy in %d ms%n",
        killToHealthy);
    assertThat(docker.inspect(replacement).orElseThrow().memoryLimitBytes())
        .as("restarted with the limit it was created with")
        .isEqualTo(MEMORY);
    assertThat(chat()).isEqualTo(instanceId);
    assertThat(labelled()).extracting(ContainerSummary::id).containsExactly(replacement);

    JsonNode deleting =
        modelyard.expect(
            modelyard.send(
                HttpRequest.newBuilder(
                        modelyard.base().resolve("/api/v1/local-llm/containers/" + replacement))
                    .DELETE(),
                null),
            202);
    assertThat(deleting.get("task_id").asString()).isEqualTo("stop:" + instanceId);
    modelyard.awaitTask(deleting.get("task_id").asString());

    assertThat(docker.inspect(replacement)).isEmpty();
    assertThat(labelled()).as("nothing labelled with this host left").isEmpty();
    assertThat(modelyard.get("/api/v1/local-llm/containers", 200).get("containers").isEmpty())
        .isTrue();
    assertThat(instanceState(instanceId)).as("stopped instances are not listed").isEmpty();
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

  /** A chat completion through the gateway; returns the instance that answered. */
  private String chat() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    HttpResponse<String> response;
    do {
      // The routing table picks an instance up within its refresh interval.
      response =
          modelyard.send(
              HttpRequest.newBuilder(modelyard.base().resolve("/v1/chat/completions")),
              """
              {"model":"tiny-c","messages":[{"role":"user","content":"Hello"}],"max_tokens":4,
               "temperature":0}""");
      if (response.statusCode() == 200) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    JsonNode answer = modelyard.expect(response, 200);
    assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
    return response.headers().firstValue("X-Modelyard-Instance").orElseThrow();
  }

  /**
   * Waits until the instance runs in another container than {@code killed} and the registry has it
   * ready at full score again; returns the new container's ID.
   */
  private String awaitReplacement(String instanceId, String killed) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> state = instanceState(instanceId);
      Optional<ContainerSummary> running =
          labelled().stream()
              .filter(c -> !c.id().equals(killed) && c.state().equals("running"))
              .filter(c -> instanceId.equals(c.labels().get(ContainerLabels.INSTANCE)))
              .findFirst();
      if (running.isPresent() && state.equals(Optional.of("ready:100"))) {
        return running.get().id();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("instance " + instanceId + " was not restarted within 120 s");
  }

  /**
   * The instance's state (and, when ready, ":score") as {@code GET /models} lists it; empty once it
   * is stopped or failed.
   */
  private Optional<String> instanceState(String instanceId) throws Exception {
    JsonNode models = modelyard.get("/api/v1/local-llm/models", 200).get("models");
    return StreamSupport.stream(models.spliterator(), false)
        .flatMap(m -> StreamSupport.stream(m.get("instances").spliterator(), false))
        .filter(i -> i.get("instance_id").asString().equals(instanceId))
        .map(
            i ->
                i.get("state").asString().equals("ready")
                    ? "ready:" + i.get("health_score").asInt()
                    : i.get("state").asString())
        .findFirst();
  }

  private List<ContainerSummary> labelled() {
    return docker.listByLabels(Map.of(ContainerLabels.HOST, hostId));
  }

  private static JsonNode only(JsonNode listing, String containerId) {
    List<JsonNode> matching =
        StreamSupport.stream(listing.get("containers").spliterator(), false)
            .filter(c -> c.get("container_id").asString().equals(containerId))
            .toList();
    assertThat(matching).hasSize(1);
    return matching.getFirst();
  }
}
