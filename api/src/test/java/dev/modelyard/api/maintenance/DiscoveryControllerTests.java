package dev.modelyard.api.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiApplication;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.TaskQueues;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * The API process on its own against the real Temporal dev server, in a namespace of its own so
 * that no worker of another test runs the discovery it starts.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DiscoveryControllerTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-api-discovery-" + RUN;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(TestServices.get("TEMPORAL_ADDRESS"))
                .build());
    try {
      stubs
          .blockingStub()
          .registerNamespace(
              RegisterNamespaceRequest.newBuilder()
                  .setNamespace(NAMESPACE)
                  .setWorkflowExecutionRetentionPeriod(
                      com.google.protobuf.Duration.newBuilder().setSeconds(86_400))
                  .build());
    } finally {
      stubs.shutdownNow();
    }
    properties.add(
        "modelyard.database.url",
        () -> TestServices.get("DATABASE_URL") + "?currentSchema=api_discovery_" + RUN);
    properties.add("spring.flyway.schemas", () -> "api_discovery_" + RUN);
    properties.add("spring.flyway.create-schemas", () -> "true");
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add("modelyard.temporal.namespace", () -> NAMESPACE);
    properties.add(TestApiKeys.ADMIN_KEY_PROPERTY, () -> TestApiKeys.ADMIN);
  }

  @LocalServerPort int port;
  @Autowired WorkflowClient client;

  @Test
  void discoverStartsADiscoveryOnTheMaintenanceQueueAndAnswersWithItsTask() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port + "/api/v1/local-llm/models/discover"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode accepted = JsonMapper.builder().build().readTree(response.body());
    String taskId = accepted.get("task_id").asString();
    assertThat(taskId).startsWith("discover:");
    assertThat(accepted.get("operation").asString()).isEqualTo("discover");
    assertThat(accepted.get("status_url").asString())
        .isEqualTo("/api/v1/local-llm/tasks/" + taskId);
    WorkflowExecutionDescription started = client.newUntypedWorkflowStub(taskId).describe();
    assertThat(started.getWorkflowType()).isEqualTo("DiscoveryWorkflow");
    assertThat(started.getTaskQueue()).isEqualTo(TaskQueues.MAINTENANCE);
    assertThat(started.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    client.newUntypedWorkflowStub(taskId).terminate("test over");
  }
}
