package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which owners of a starting instance count, asked of the real Temporal dev server. */
@Timeout(60)
class InstanceOwnerActivitiesTests {

  /** No worker polls it: an activity scheduled there stays under way. */
  static final String NOBODY = "modelyard-test-nobody-polls";

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-owners-" + run;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory workers;

  @BeforeEach
  void connect() {
    TestNamespace.create(namespace);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(TestServices.get("TEMPORAL_ADDRESS"))
                .build());
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    workers = WorkerFactory.newInstance(client);
    workers.newWorker("owners-" + run).registerWorkflowImplementationTypes(StartingImpl.class);
    workers.start();
  }

  @AfterEach
  void disconnect() {
    workers.shutdownNow();
    TestNamespace.delete(namespace);
    stubs.shutdownNow();
  }

  @Test
  void aLoadOwnsItsInstanceWhileItRunsAndADeploymentOnlyWhileAnActivityOfItIsUnderWay()
      throws Exception {
    String load = "load:local_gguf:loading-" + run;
    String waitingDeployment = "deployment:local_gguf:waiting-" + run;
    String startingDeployment = "deployment:local_gguf:starting-" + run;
    // Running, never picked up: a load under way, and a deployment between reconciliations.
    client.newUntypedWorkflowStub("Anything", options(load, NOBODY)).start();
    client.newUntypedWorkflowStub("Anything", options(waitingDeployment, NOBODY)).start();
    WorkflowClient.start(
        client.newWorkflowStub(Starting.class, options(startingDeployment, "owners-" + run))::run);
    awaitActivityUnderWay(startingDeployment);

    List<String> owning =
        new InstanceOwnerActivitiesImpl(client)
            .ownersRunning(
                List.of(load, waitingDeployment, startingDeployment, "restart:gone-" + run));

    assertThat(owning).containsExactly(load, startingDeployment);
  }

  private void awaitActivityUnderWay(String workflowId) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (client
            .newUntypedWorkflowStub(workflowId)
            .describe()
            .getRawDescription()
            .getPendingActivitiesCount()
        == 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(workflowId + " scheduled no activity within 20 s");
      }
      Thread.sleep(50);
    }
  }

  private static WorkflowOptions options(String workflowId, String taskQueue) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
        .build();
  }

  @WorkflowInterface
  public interface Starting {
    @WorkflowMethod
    void run();
  }

  /** Starts an instance on a host that never answers: its start stays under way. */
  public static class StartingImpl implements Starting {
    @Override
    public void run() {
      Workflow.newUntypedActivityStub(
              ActivityOptions.newBuilder()
                  .setTaskQueue(NOBODY)
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .build())
          .execute("StartInstance", Void.class);
    }
  }
}
