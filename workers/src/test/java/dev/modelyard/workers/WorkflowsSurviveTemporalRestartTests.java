package dev.modelyard.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.temporal.TemporalCliDevServer;
import dev.modelyard.testing.FreshSchemaProperties;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.DeploymentInput;
import dev.modelyard.workflows.deployments.DeploymentState;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import dev.modelyard.workflows.deployments.ScaleAccepted;
import dev.modelyard.workflows.deployments.ScaleRequest;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelResult;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Temporal dev server of this test's own (the CLI of the test environment, its state in a SQLite
 * file) is stopped and started again while a throttled download runs: nothing is lost.
 */
@SpringBootTest(classes = WorkersApplication.class)
class WorkflowsSurviveTemporalRestartTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "restart_" + RUN;
  private static final Path STATE = temporaryDirectory("modelyard-temporal-");
  private static final int PORT = freePort();
  private static TemporalCliDevServer server = startServer();

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> server.target());
    properties.add("modelyard.host-id", () -> "restart-" + RUN);
    properties.add("modelyard.health.enabled", () -> "false");
    properties.add("modelyard.maintenance.enabled", () -> "false");
    properties.add("modelyard.data-dir", () -> temporaryDirectory("modelyard-data-").toString());
    properties.add("modelyard.providers.hf-endpoint", () -> TestServices.get("HF_ENDPOINT"));
    // 1.75 MB at 200 KB/s: about nine seconds, long enough to restart the server mid-way.
    properties.add("modelyard.models.download.rate-limit", () -> "200KB");
  }

  @Autowired WorkflowClient client;
  @Autowired ModelRegistry registry;

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.close();
  }

  @Test
  @Timeout(120)
  void aPullCompletesAcrossARestartOfTheTemporalServer() throws Exception {
    ModelRef model =
        new ModelRef(
            Provider.HUGGINGFACE,
            TestServices.get("HF_TEST_REPO") + "/" + TestServices.get("HF_TEST_FILE"));
    PullModelWorkflow pull =
        client.newWorkflowStub(
            PullModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.pull(model))
                .setTaskQueue(TaskQueues.PULLS)
                .build());
    WorkflowClient.start(pull::pull, new PullModelRequest(model, null, 5, null));
    Thread.sleep(3_000);
    assertThat(WorkflowStub.fromTyped(pull).describe().getStatus())
        .as("the pull is still downloading when the server goes down")
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    server.close();
    Thread.sleep(1_000);
    server = TemporalCliDevServer.start(Path.of(TestServices.get("TEMPORAL_CLI")), STATE, PORT);

    PullModelResult result =
        WorkflowStub.fromTyped(pull).getResult(90, TimeUnit.SECONDS, PullModelResult.class);
    assertThat(result.sha256()).isEqualTo(TestServices.get("HF_TEST_SHA256"));
    assertThat(registry.findModel(model)).isPresent();
  }

  @Test
  @Timeout(120)
  void aScaleCompletesAcrossARestartOfTheTemporalServer() throws Exception {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "scaled-" + RUN);
    client
        .newWorkflowStub(
            PullModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.pull(model))
                .setTaskQueue(TaskQueues.PULLS)
                .build())
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    DeploymentWorkflow deployment =
        client.newWorkflowStub(
            DeploymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.deployment(model))
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
    WorkflowClient.executeUpdateWithStart(
        deployment::scale,
        new ScaleRequest(3),
        UpdateOptions.<ScaleAccepted>newBuilder().build(),
        new WithStartWorkflowOperation<>(deployment::run, DeploymentInput.of(model)));

    // The deployment is still reconciling (three instances to start) when the server goes down.
    assertThat(
            registry.routableInstances().stream()
                .filter(i -> i.modelName().equals(model.name()))
                .count())
        .isLessThan(3);
    server.close();
    Thread.sleep(1_000);
    server = TemporalCliDevServer.start(Path.of(TestServices.get("TEMPORAL_CLI")), STATE, PORT);

    String modelId = registry.findModel(model).orElseThrow().modelId();
    Instant deadline = Instant.now().plusSeconds(60);
    while (registry.findActiveInstances(modelId).size() != 3
        || registry.routableInstances().stream()
                .filter(i -> i.modelName().equals(model.name()))
                .count()
            != 3) {
      assertThat(Instant.now()).as("three ready instances after the restart").isBefore(deadline);
      Thread.sleep(200);
    }
    DeploymentState state = deployment.state();
    assertThat(state.desiredInstances()).isEqualTo(3);
    assertThat(state.instanceIds()).hasSize(3);
    WorkflowStub.fromTyped(deployment).terminate("test over");
  }

  private static TemporalCliDevServer startServer() {
    return TemporalCliDevServer.start(Path.of(TestServices.get("TEMPORAL_CLI")), STATE, PORT);
  }

  private static Path temporaryDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
