package dev.modelyard.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiApplication;
import dev.modelyard.testing.FreshSchemaProperties;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.health.HealthWorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API process on its own against the real Temporal dev server: tasks carry Modelyard's search
 * attributes, the active list comes from Temporal's visibility store, and only tasks can be
 * cancelled.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TasksOnTemporalDevServerTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "api_" + RUN;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add(TestApiKeys.ADMIN_KEY_PROPERTY, () -> TestApiKeys.ADMIN);
  }

  @LocalServerPort int port;
  @Autowired WorkflowClient client;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aStartedTaskIsSearchableByModelAndListedAsActive() throws Exception {
    String model = "unreachable-" + RUN;
    JsonNode accepted =
        send(
            HttpRequest.newBuilder(uri("/api/v1/local-llm/models/register"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"provider":"openai_compatible","model_name":"%s","base_url":"http://127.0.0.1:9"}"""
                            .formatted(model))),
            202);
    String taskId = accepted.get("task_id").asString();

    // Visibility is eventually consistent: the new execution shows up within a moment.
    Instant deadline = Instant.now().plusSeconds(10);
    boolean listed = false;
    while (!listed && Instant.now().isBefore(deadline)) {
      JsonNode active = send(HttpRequest.newBuilder(uri("/api/v1/local-llm/tasks/active")), 200);
      listed =
          active
              .at("/tasks")
              .valueStream()
              .anyMatch(t -> t.get("task_id").asString().equals(taskId));
      Thread.sleep(200);
    }
    assertThat(listed).as("task %s in /tasks/active", taskId).isTrue();
    assertThat(
            client
                .listExecutions(
                    "ModelyardModel = '" + model + "' AND ModelyardOperation = 'register'")
                .map(e -> e.getTypedSearchAttributes().get(ModelyardSearchAttributes.PROVIDER))
                .toList())
        .containsExactly("openai_compatible");

    client.newUntypedWorkflowStub(taskId).terminate("test cleanup");
  }

  @Test
  void aDiscoveryStartedByTheApiCarriesTheOperationThatListsItAsATask() throws Exception {
    JsonNode accepted =
        send(
            HttpRequest.newBuilder(uri("/api/v1/local-llm/models/discover"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            202);
    String taskId = accepted.get("task_id").asString();
    try {
      // What /tasks/active lists among running executions; a worker elsewhere may already have
      // ended this one, so it is looked for whatever its status. Visibility lags a moment.
      String query = "WorkflowId = '" + taskId + "' AND ModelyardOperation = 'discover'";
      Instant deadline = Instant.now().plusSeconds(10);
      long found = 0;
      while (found == 0 && Instant.now().isBefore(deadline)) {
        found = client.listExecutions(query).count();
        Thread.sleep(200);
      }
      assertThat(found).as(query).isOne();
    } finally {
      try {
        client.newUntypedWorkflowStub(taskId).terminate("test cleanup");
      } catch (RuntimeException alreadyEnded) {
        // a worker may have run it to its end
      }
    }
  }

  @Test
  void cancellingTheHealthCheckLoopIsNotFoundAndLeavesItRunning() throws Exception {
    // Started here on a queue no worker polls: a stand-in with the loop's ID format.
    String loop = HealthWorkflowIds.healthCheck("tasks-" + RUN);
    client
        .newUntypedWorkflowStub(
            "HealthCheckWorkflow",
            WorkflowOptions.newBuilder().setWorkflowId(loop).setTaskQueue("nobody-" + RUN).build())
        .start();

    JsonNode problem =
        send(HttpRequest.newBuilder(uri("/api/v1/local-llm/tasks/" + loop)).DELETE(), 404);

    assertThat(problem.get("detail").asString()).isEqualTo("no task with id " + loop);
    assertThat(
            client.fetchHistory(loop).getEvents().stream().map(HistoryEvent::getEventType).toList())
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    client.newUntypedWorkflowStub(loop).terminate("test cleanup");
  }

  @Test
  void aRunningTaskIsCancelled() throws Exception {
    String pull = WorkflowIds.pull(new ModelRef(Provider.LOCAL_GGUF, "cancelled-" + RUN));
    client
        .newUntypedWorkflowStub(
            "PullModelWorkflow",
            WorkflowOptions.newBuilder().setWorkflowId(pull).setTaskQueue("nobody-" + RUN).build())
        .start();

    JsonNode task =
        send(HttpRequest.newBuilder(uri("/api/v1/local-llm/tasks/" + pull)).DELETE(), 202);

    assertThat(task.get("task_id").asString()).isEqualTo(pull);
    assertThat(
            client.fetchHistory(pull).getEvents().stream().map(HistoryEvent::getEventType).toList())
        .contains(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    client.newUntypedWorkflowStub(pull).terminate("test cleanup");
  }

  @Test
  void aTaskIdLongerThanTemporalTakesIsA400NamingIt() throws Exception {
    String tooLong = "pull:local_gguf:" + "x".repeat(1000);

    JsonNode problem = send(HttpRequest.newBuilder(uri("/api/v1/local-llm/tasks/" + tooLong)), 400);
    assertThat(problem.get("field").asString()).isEqualTo("task_id");

    problem = send(HttpRequest.newBuilder(uri("/api/v1/local-llm/tasks/" + tooLong)).DELETE(), 400);
    assertThat(problem.get("field").asString()).isEqualTo("task_id");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private JsonNode send(HttpRequest.Builder request, int expectedStatus) throws Exception {
    HttpResponse<String> response =
        http.send(
            request
                .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return json.readTree(response.body());
  }
}
