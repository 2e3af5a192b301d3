package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestServices;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Autoscaling through HTTP on the launcher's embedded defaults. */
class AutoscalingEndToEndTests {

  private static final String STATUS =
      "/api/v1/local-llm/models/status?provider=local_gguf&model_name=tiny";

  @TempDir Path dataDir;

  private RunningModelyard modelyard;

  @AfterEach
  void stop() {
    if (modelyard != null) {
      modelyard.close();
    }
  }

  @Test
  void aPolicyIsSetValidatedAndShownWithItsDecisions() throws Exception {
    startAndPull();

    JsonNode refused =
        put(
            """
            {"provider":"local_gguf","model_name":"tiny","min_replicas":2,"max_replicas":1}""",
            400);
    assertThat(refused.get("field").asString()).isEqualTo("min_replicas");
    assertThat(refused.get("detail").asString())
        .isEqualTo("min_replicas must not exceed max_replicas, was 2 > 1");
    assertThat(
            put(
                    """
                    {"provider":"local_gguf","model_name":"tiny","min_replicas":1,"max_replicas":2,
                     "p95_latency_ceiling_ms":0}""",
                    400)
                .get("field")
                .asString())
        .as("named as the request names it")
        .isEqualTo("p95_latency_ceiling_ms");

    JsonNode accepted =
        put(
            """
            {"provider":"local_gguf","model_name":"tiny","min_replicas":1,"max_replicas":2,
             "target_in_flight_per_replica":2,"evaluation_interval_seconds":1}""",
            200);
    assertThat(accepted.get("task_id").asString()).isEqualTo("deployment:local_gguf:tiny");
    assertThat(accepted.get("desired_instances").asInt()).as("raised to the minimum").isOne();
    assertThat(accepted.at("/autoscaling/scale_down_cooldown_seconds").asLong()).isEqualTo(300);

    JsonNode status = awaitStatus(s -> s.get("actual_instances").asInt() == 1);
    assertThat(status.at("/autoscaling/max_replicas").asInt()).isEqualTo(2);
    assertThat(status.at("/scaling_decisions/0/reason").asString())
        .startsWith("autoscaling on: 1..2 replicas, target 2.00 in flight per replica");
    assertThat(status.at("/scaling_decisions/0/to_replicas").asInt()).isOne();
    awaitStatus(s -> s.get("last_evaluation").asString("").contains("within the target"));

    JsonNode off =
        modelyard.expect(
            modelyard.send(
                HttpRequest.newBuilder(
                        modelyard
                            .base()
                            .resolve(
                                "/api/v1/local-llm/models/autoscaling?provider=local_gguf"
                                    + "&model_name=tiny"))
                    .DELETE(),
                null),
            200);
    assertThat(off.get("autoscaling").isNull()).isTrue();
    assertThat(off.get("desired_instances").asInt()).isOne();
  }

  @Test
  void scaledToZeroThenOneRequestBringsOneInstanceUp() throws Exception {
    startAndPull();
    put(
        """
        {"provider":"local_gguf","model_name":"tiny","min_replicas":0,"max_replicas":1,
         "idle_period_seconds":3,"evaluation_interval_seconds":1,"metrics_window_seconds":2}""",
        200);
    assertThat(modelyard.get(STATUS, 200).get("actual_instances").asInt()).isZero();

    JsonNode first = generate();
    assertThat(first.get("model").asString()).isEqualTo("tiny");
    JsonNode one = awaitStatus(s -> s.get("actual_instances").asInt() == 1);
    assertThat(one.at("/scaling_decisions/1/trigger").asString()).isEqualTo("cold_start");

    // Idle for the idle period (the load publisher's window and the evaluation pass too).
    JsonNode zero =
        awaitStatus(
            s -> s.get("actual_instances").asInt() == 0 && s.get("desired_instances").asInt() == 0);
    assertThat(zero.at("/scaling_decisions/2/reason").asString()).startsWith("no request for");

    assertThat(generate().get("instance_id").asString())
        .isNotEqualTo(first.get("instance_id").asString());
    assertThat(awaitStatus(s -> s.get("actual_instances").asInt() == 1).get("instances").size())
        .isOne();
  }

  private void startAndPull() throws Exception {
    modelyard = RunningModelyard.start(dataDir);
    modelyard.awaitTask(
        modelyard
            .post(
                "/api/v1/local-llm/models/pull",
                """
                {"provider":"local_gguf","model_name":"tiny","path":"%s"}"""
                    .formatted(TestServices.tinyModel()),
                202)
            .get("task_id")
            .asString());
  }

  private JsonNode put(String body, int expectedStatus) throws Exception {
    return modelyard.expect(
        modelyard.send(
            HttpRequest.newBuilder(modelyard.base().resolve("/api/v1/local-llm/models/autoscaling"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)),
            null),
        expectedStatus);
  }

  /** One generation, which the cold start holds until the first instance answers. */
  private JsonNode generate() throws Exception {
    HttpResponse<String> response =
        modelyard.send(
            HttpRequest.newBuilder(modelyard.base().resolve("/api/v1/local-llm/generate")),
            """
            {"model_preference":"tiny","prompt":"Hello","max_tokens":2,"temperature":0.7}""");
    return modelyard.expect(response, 200);
  }

  private JsonNode awaitStatus(Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode status;
    do {
      status = modelyard.get(STATUS, 200);
      if (condition.test(status)) {
        return status;
      }
      Thread.sleep(200);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("status never matched: " + status);
  }
}
