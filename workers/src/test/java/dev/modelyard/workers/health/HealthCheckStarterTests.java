package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's start of the health loop, against the real Temporal dev server. */
@Timeout(60)
class HealthCheckStarterTests {

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-health-starter-" + run;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;

  @BeforeEach
  void connect() {
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(TestServices.get("TEMPORAL_ADDRESS"))
                .build());
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  @AfterEach
  void disconnect() {
    TestNamespace.delete(namespace);
    stubs.shutdownNow();
  }

  @Test
  void keepsTryingUntilTheLoopCanStartAndThenJoinsTheRunningOne() throws Exception {
    HealthSettings settings = settings();
    HealthCheckStarter first = new HealthCheckStarter(client, settings);

    // The namespace does not exist yet: every start fails, and the worker carries on regardless.
    first.start();
    Thread.sleep(1_500);
    assertThat(first.isRunning()).isTrue();
    assertThat(first.execution()).isNull();

    TestNamespace.create(namespace);
    String runId = awaitExecution(first);
    assertThat(describe(settings.workflowId()).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    // A second worker joins the loop instead of starting another.
    HealthCheckStarter second = new HealthCheckStarter(client, settings);
    second.start();
    assertThat(awaitExecution(second)).isEqualTo(runId);

    first.stop();
    second.stop();
    client.newUntypedWorkflowStub(settings.workflowId()).terminate("test over");
  }

  private HealthSettings settings() {
    return new HealthSettings(
        true,
        "starter-" + run,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Duration.ofMillis(300),
        Duration.ofMinutes(2));
  }

  private static String awaitExecution(HealthCheckStarter starter) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (starter.execution() == null && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(starter.execution()).as("the loop was started").isNotNull();
    return starter.execution().getRunId();
  }

  private DescribeWorkflowExecutionResponse describe(String workflowId) {
    return stubs
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(
                    io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                        .setWorkflowId(workflowId))
                .build());
  }
}
