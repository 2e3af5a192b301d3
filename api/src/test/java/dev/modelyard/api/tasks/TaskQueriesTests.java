package dev.modelyard.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.health.HealthWorkflowIds;
import dev.modelyard.workflows.maintenance.MaintenanceWorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task queries on Temporal's in-process server, which cannot list workflows: the active list
 * comes from the tasks this process started, as it does there in production.
 */
class TaskQueriesTests {

  private static final String QUEUE = "tasks-tests";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final StartedTasks started = new StartedTasks();
  private TaskQueries tasks;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(QUEUE).registerWorkflowImplementationTypes(WaitingImpl.class);
    env.start();
    client = env.getWorkflowClient();
    tasks = new TaskQueries(client, started);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void theActiveListDoesNotAskTasksForTheirPhase() {
    String pull = WorkflowIds.pull(new ModelRef(Provider.LOCAL_GGUF, "tiny"));
    startWaiting(pull);
    started.add(pull);

    assertThat(tasks.describe(pull).phase()).isEqualTo(WaitingImpl.PHASE);
    assertThat(tasks.active().truncated()).isFalse();
    assertThat(tasks.active().tasks())
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.taskId()).isEqualTo(pull);
              assertThat(task.status()).isEqualTo("running");
              assertThat(task.phase()).isNull();
            });
  }

  @Test
  void theActiveListSaysWhenItLeftTasksOut() {
    for (int i = 0; i <= TaskQueries.ACTIVE_LIMIT; i++) {
      String pull = WorkflowIds.pull(new ModelRef(Provider.LOCAL_GGUF, "many-" + i));
      startWaiting(pull);
      started.add(pull);
    }

    TasksController.ActiveTasks active = tasks.active();

    assertThat(active.tasks()).hasSize(TaskQueries.ACTIVE_LIMIT);
    assertThat(active.truncated()).isTrue();
    assertThat(active.tasks().getFirst().taskId())
        .as("the newest first")
        .isEqualTo(
            WorkflowIds.pull(
                new ModelRef(Provider.LOCAL_GGUF, "many-" + TaskQueries.ACTIVE_LIMIT)));
  }

  @Test
  void aTaskIsCancelled() {
    String pull = WorkflowIds.pull(new ModelRef(Provider.LOCAL_GGUF, "tiny"));
    startWaiting(pull);

    tasks.cancel(pull);

    assertThat(cancelRequested(pull)).isTrue();
  }

  @Test
  void theLoopsAndCronsOfModelyardAreNoTasksToRead() {
    String cleanup = MaintenanceWorkflowIds.cleanup("east");
    startWaiting(cleanup);

    assertThatThrownBy(() -> tasks.describe(cleanup))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("no task with id " + cleanup);
  }

  @Test
  void theLoopsAndCronsOfModelyardAreNoTasksToCancel() {
    for (String id :
        new String[] {
          HealthWorkflowIds.HEALTH_CHECK,
          HealthWorkflowIds.healthCheck("east"),
          HealthWorkflowIds.restart("instance-1"),
          MaintenanceWorkflowIds.discovery(null),
          MaintenanceWorkflowIds.cleanup("east")
        }) {
      startWaiting(id);

      assertThatThrownBy(() -> tasks.cancel(id))
          .isInstanceOf(NotFoundException.class)
          .hasMessage("no task with id " + id);
      assertThat(cancelRequested(id)).as(id).isFalse();
    }
  }

  @Test
  void aTaskIdLongerThanAnyTaskIsRefusedNamingIt() {
    String tooLong = "pull:local_gguf:" + "x".repeat(TaskQueries.MAX_TASK_ID_LENGTH);

    assertThatThrownBy(() -> tasks.describe(tooLong))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("task_id"));
    assertThatThrownBy(() -> tasks.cancel(tooLong))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("task_id"));
  }

  private void startWaiting(String workflowId) {
    WorkflowClient.start(
        client.newWorkflowStub(
                Waiting.class,
                WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build())
            ::run);
  }

  private boolean cancelRequested(String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .anyMatch(
            event ->
                event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  }

  @WorkflowInterface
  public interface Waiting {

    @WorkflowMethod
    void run();

    @QueryMethod
    String phase();
  }

  /** Waits until cancelled; its phase answers at once, so a listing that asks would show it. */
  public static class WaitingImpl implements Waiting {

    static final String PHASE = "downloading";

    @Override
    public void run() {
      Workflow.await(() -> false);
    }

    @Override
    public String phase() {
      return PHASE;
    }
  }
}
