package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.InstanceHealthEvent;
import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.health.HealthRecord;
import dev.modelyard.workflows.health.HealthRegistryActivities;
import dev.modelyard.workflows.health.InstanceToCheck;
import dev.modelyard.workflows.health.RestartTarget;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The health activities' writes against real PostgreSQL, retried as Temporal retries them. */
class HealthRegistryActivitiesTests {

  private static final String QUEUE = "health-registry-activities-tests";

  private static FreshSchema database;
  private static ModelRegistry registry;
  private static InstanceHealthRegistry health;

  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    JdbcClient jdbc = JdbcClient.create(database.dataSource);
    registry = new ModelRegistry(jdbc);
    health = new InstanceHealthRegistry(jdbc);
    registry.recordHost("host-a", "modelyard-host-host-a");
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void aRestartCallRetriedAfterItCommittedLogsItsEventOnce() {
    String instanceId = readyInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RestartingWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new AnswerLostOnce(new HealthRegistryActivitiesImpl(health)));
    env.start();

    boolean restarting =
        env.getWorkflowClient()
            .newWorkflowStub(
                RestartingWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build())
            .restart(instanceId);

    assertThat(restarting).isTrue();
    assertThat(health.events(instanceId))
        .extracting(InstanceHealthEvent::kind)
        .containsExactly(InstanceHealthRegistry.RESTART_STARTED);
  }

  @WorkflowInterface
  public interface RestartingWorkflow {
    @WorkflowMethod
    boolean restart(String instanceId);
  }

  public static class RestartingWorkflowImpl implements RestartingWorkflow {

    private final HealthRegistryActivities activities =
        Workflow.newActivityStub(
            HealthRegistryActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(
                    RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(10)).build())
                .build());

    @Override
    public boolean restart(String instanceId) {
      return activities.recordRestarting(instanceId, "3 failed probes in a row");
    }
  }

  /** Commits the first restart call, then fails it as a call whose answer was lost. */
  static final class AnswerLostOnce implements HealthRegistryActivities {

    private final HealthRegistryActivities real;
    private final AtomicBoolean lost = new AtomicBoolean();

    AnswerLostOnce(HealthRegistryActivities real) {
      this.real = real;
    }

    @Override
    public boolean recordRestarting(String instanceId, String reason) {
      boolean answer = real.recordRestarting(instanceId, reason);
      if (lost.compareAndSet(false, true)) {
        throw new IllegalStateException("connection reset after commit");
      }
      return answer;
    }

    @Override
    public List<InstanceToCheck> instancesToCheck(Duration startingTooLong) {
      return real.instancesToCheck(startingTooLong);
    }

    @Override
    public void recordHealth(List<HealthRecord> records) {
      real.recordHealth(records);
    }

    @Override
    public RestartTarget restartTarget(String instanceId) {
      return real.restartTarget(instanceId);
    }

    @Override
    public void recordRestartAttemptFailed(String instanceId, String detail) {
      real.recordRestartAttemptFailed(instanceId, detail);
    }

    @Override
    public boolean recordRestarted(String instanceId, String endpoint, String detail) {
      return real.recordRestarted(instanceId, endpoint, detail);
    }

    @Override
    public void recordRestartFailed(String instanceId, String reason) {
      real.recordRestartFailed(instanceId, reason);
    }
  }

  private static String readyInstance() {
    String modelId =
        registry
            .registerModel(
                new RegisterModel(
                    new ModelRef(Provider.LOCAL_GGUF, "restarted"),
                    "host-a",
                    new ModelFileFacts(
                        "/models/restarted.gguf", 1, "00", "gguf", "llama", 1L, "F16", 4096)))
            .modelId();
    String instanceId = "i-restarted";
    registry.recordStarting(
        new NewInstance(instanceId, modelId, "host-a", ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance(instanceId, "http://127.0.0.1:1"));
    return instanceId;
  }
}
