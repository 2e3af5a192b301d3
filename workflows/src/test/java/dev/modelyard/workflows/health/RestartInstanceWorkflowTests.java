package dev.modelyard.workflows.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.models.Provider;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Restarts on Temporal's test server: backoff waits are skipped but still show on its clock. */
@Timeout(60)
class RestartInstanceWorkflowTests {

  private static final RestartPolicy POLICY =
      new RestartPolicy(4, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), null);

  private TestWorkflowEnvironment env;
  private FakeHealthRegistry registry;
  private SimulatedHost host;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeHealthRegistry(env);
    host = new SimulatedHost(env);
    Worker health = env.newWorker(TaskQueues.HEALTH);
    health.registerWorkflowImplementationTypes(RestartInstanceWorkflowImpl.class);
    health.registerActivitiesImplementations(registry);
    env.newWorker(TaskQueues.host(FakeHealthRegistry.HOST)).registerActivitiesImplementations(host);
    env.newWorker(TaskQueues.stops(FakeHealthRegistry.HOST))
        .registerActivitiesImplementations(host);
    env.start();
    registry.ready("i-1", "http://127.0.0.1:9000");
    registry.instances.put("i-1", new FakeHealthRegistry.Instance("unhealthy", null, 19));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void waitsLongerAfterEachFailedAttemptUntilOneSucceeds() {
    host.failNextStarts.set(3);

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.RESTARTED);
    assertThat(result.attempts()).isEqualTo(4);
    List<Long> times = host.startsOf("i-1").stream().map(SimulatedHost.Start::atMillis).toList();
    assertThat(times).hasSize(4);
    assertThat(times.get(1) - times.get(0)).isBetween(2_000L, 2_500L);
    assertThat(times.get(2) - times.get(1)).isBetween(4_000L, 4_500L);
    assertThat(times.get(3) - times.get(2)).isBetween(8_000L, 8_500L);
    assertThat(registry.state("i-1")).isEqualTo("ready");
    assertThat(registry.score("i-1")).isEqualTo(100);
    assertThat(registry.instances.get("i-1").endpoint()).isEqualTo(result.endpoint());
    assertThat(registry.events)
        .extracting(FakeHealthRegistry.Event::kind)
        .containsExactly(
            "restart-started",
            "restart-attempt-failed",
            "restart-attempt-failed",
            "restart-attempt-failed",
            "restarted");
    assertThat(registry.events("restart-attempt-failed").get(1).detail())
        .contains("attempt 2 of 4", "out of memory", "next in PT4S");
    // Each attempt stops what may be left of the instance before starting it.
    assertThat(host.stops).hasSize(4);
    // On the stops queue: on the host queue, behind a minute of other starts, a stop timed out.
    assertThat(host.stopQueues).containsOnly(TaskQueues.stops(FakeHealthRegistry.HOST));
  }

  @Test
  void aDatabaseOutageAfterASuccessfulStartIsWaitedOutNotTakenForAFailedStart() {
    // More failures than a registry call's usual 20 attempts.
    registry.recordRestartedFailures.set(30);

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.RESTARTED);
    assertThat(result.attempts()).isOne();
    assertThat(host.startsOf("i-1")).hasSize(1);
    assertThat(host.stops).hasSize(1);
    assertThat(registry.state("i-1")).isEqualTo("ready");
  }

  @Test
  void byDefaultEachStartHasAsLongAsALoadsStartAndIsWatchedByItsHeartbeats() {
    env.getWorkflowClient()
        .newWorkflowStub(
            RestartInstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(HealthWorkflowIds.restart("i-1"))
                .setTaskQueue(TaskQueues.HEALTH)
                .build())
        .restart(new RestartInstanceRequest("i-1", "test", RestartPolicy.DEFAULTS));

    var scheduled =
        env.getWorkflowClient().fetchHistory(HealthWorkflowIds.restart("i-1")).getEvents().stream()
            .filter(e -> e.hasActivityTaskScheduledEventAttributes())
            .map(e -> e.getActivityTaskScheduledEventAttributes())
            .filter(a -> a.getActivityType().getName().equals("StartInstance"))
            .findFirst()
            .orElseThrow();
    assertThat(scheduled.getStartToCloseTimeout().getSeconds())
        .isGreaterThanOrEqualTo(Duration.ofMinutes(15).toSeconds());
    assertThat(scheduled.getHeartbeatTimeout().getSeconds()).isEqualTo(30);
  }

  @Test
  void givesUpAfterTheLastAttemptMarksTheInstanceFailedAndLogsIt() {
    host.failNextStarts.set(100);

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.FAILED);
    assertThat(result.attempts()).isEqualTo(4);
    assertThat(host.startsOf("i-1")).hasSize(4);
    // 2 + 4 + 8 s of backoff between four attempts; none after the last.
    long began = registry.events("restart-started").getFirst().atMillis();
    long gaveUp = registry.events("restart-failed").getFirst().atMillis();
    assertThat(gaveUp - began).isBetween(14_000L, 15_000L);
    assertThat(registry.state("i-1")).isEqualTo("failed");
    assertThat(registry.score("i-1")).isZero();
    assertThat(registry.events("restart-failed"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.detail()).contains("gave up after 4 attempt(s)", "out of memory"));
    assertThat(host.running).doesNotContain("i-1");
    assertThat(host.stopQueues)
        .as("each attempt's stop and the last one")
        .hasSize(5)
        .containsOnly(TaskQueues.stops(FakeHealthRegistry.HOST));
  }

  @Test
  void aStartRejectedForItsInputsIsNotAttemptedAgain() {
    host.rejectStarts = true;

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.FAILED);
    assertThat(host.startsOf("i-1")).hasSize(1);
    assertThat(registry.state("i-1")).isEqualTo("failed");
  }

  @Test
  void aReplicaStartsAgainUnderItsDeploymentAndProvider() {
    registry.deployments.put("i-1", "deployment-local_gguf-tiny");

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.RESTARTED);
    assertThat(host.startsOf("i-1"))
        .singleElement()
        .extracting(SimulatedHost.Start::request)
        .satisfies(
            start -> {
              assertThat(start.deployment()).isEqualTo("deployment-local_gguf-tiny");
              assertThat(start.provider()).isEqualTo(Provider.LOCAL_GGUF);
              assertThat(start.modelPath()).isEqualTo("/models/tiny.gguf");
            });
  }

  @Test
  void anInstanceStoppedMeanwhileIsNotRestarted() {
    registry.instances.put("i-1", new FakeHealthRegistry.Instance("stopped", null, 0));

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.NOT_NEEDED);
    assertThat(host.starts).isEmpty();
    assertThat(registry.events).isEmpty();
  }

  @Test
  void anInstanceUnloadedBetweenAttemptsIsNotStartedAgain() {
    host.failNextStarts.set(1);
    // An unload while the first attempt fails: it marks the instance stopped, releases its memory.
    host.onFailedStart =
        () -> registry.instances.put("i-1", new FakeHealthRegistry.Instance("stopped", null, 0));

    RestartInstanceResult result = restart("i-1");

    assertThat(result.outcome()).isEqualTo(RestartInstanceResult.Outcome.NOT_NEEDED);
    // Before, the second attempt started it again, and stopped it once it found it unloaded.
    assertThat(host.startsOf("i-1")).hasSize(1);
    assertThat(host.running).doesNotContain("i-1");
    assertThat(registry.state("i-1")).isEqualTo("stopped");
  }

  private RestartInstanceResult restart(String instanceId) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            RestartInstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(HealthWorkflowIds.restart(instanceId))
                .setTaskQueue(TaskQueues.HEALTH)
                .build())
        .restart(new RestartInstanceRequest(instanceId, "test", POLICY));
  }
}
