package dev.modelyard.workflows.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health-check loop on Temporal's test server, with time skipping: minutes in milliseconds. */
@Timeout(60)
class HealthCheckWorkflowTests {

  private static final String LOOP_ID = HealthWorkflowIds.healthCheck("test");
  private static final RestartPolicy FAST_RESTARTS =
      new RestartPolicy(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(30), null);

  private TestWorkflowEnvironment env;
  private FakeHealthRegistry registry;
  private SimulatedHost host;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeHealthRegistry(env);
    host = new SimulatedHost(env);
    Worker health = env.newWorker(TaskQueues.HEALTH);
    health.registerWorkflowImplementationTypes(
        HealthCheckWorkflowImpl.class, RestartInstanceWorkflowImpl.class);
    health.registerActivitiesImplementations(registry, host.new Probes());
    env.newWorker(TaskQueues.host(FakeHealthRegistry.HOST)).registerActivitiesImplementations(host);
    env.newWorker(TaskQueues.stops(FakeHealthRegistry.HOST))
        .registerActivitiesImplementations(host);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aBusyInstanceLosesScoreButIsNeverRestarted() {
    registry.ready("i-slow", host.run("i-slow"));
    registry.ready("i-queued", host.run("i-queued"));
    host.busy.add("i-queued");
    startLoop(policy(3));
    env.sleep(Duration.ofSeconds(30));

    // It was fast, now it answers 40 times slower: a heavy load, not a failure.
    host.latencies.put("i-slow", 4_000L);
    env.sleep(Duration.ofMinutes(5));

    assertThat(host.starts).isEmpty();
    assertThat(registry.events).isEmpty();
    assertThat(registry.state("i-slow")).isEqualTo("ready");
    assertThat(registry.state("i-queued")).isEqualTo("ready");
    assertThat(registry.score("i-slow")).isBetween(50, 60);
    assertThat(registry.score("i-queued")).isEqualTo(50);
    HealthSnapshot snapshot = loop().snapshot();
    assertThat(snapshot.restarting()).isEmpty();
    assertThat(snapshot.instances().get("i-queued").consecutiveFailures()).isZero();
  }

  @Test
  void fewerFailuresInARowThanTheLimitOnlyLowerTheScore() throws InterruptedException {
    registry.ready("i-blip", host.run("i-blip"));
    host.script(
        "i-blip",
        ProbeOutcome.ANSWERED,
        ProbeOutcome.FAILED,
        ProbeOutcome.FAILED,
        ProbeOutcome.ANSWERED);
    startLoop(policy(3));
    // Rounds at 0 s (answered), 5 s and 6 s (failed: suspect rounds come every second), 7 s.
    env.sleep(Duration.ofMillis(5_500));

    // The 5 s round's probe is an activity that may still be finishing in real time on a busy
    // machine; the state is "unhealthy" from it until the 7 s round.
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (!"unhealthy".equals(registry.state("i-blip")) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(registry.state("i-blip")).isEqualTo("unhealthy");

    env.sleep(Duration.ofMinutes(1));

    assertThat(host.starts).isEmpty();
    assertThat(registry.state("i-blip")).isEqualTo("ready");
    assertThat(registry.score("i-blip")).isLessThan(100);
    assertThat(registry.events)
        .extracting(FakeHealthRegistry.Event::kind)
        .containsExactly("unhealthy", "ready");
  }

  @Test
  void failuresInARowTriggerExactlyOneRestartThatBringsTheInstanceBack() {
    registry.ready("i-1", host.run("i-1"));
    registry.ready("i-2", host.run("i-2"));
    // The first start fails too, so the restart spans several rounds of the loop.
    host.failNextStarts.set(1);
    startLoop(policy(3));
    env.sleep(Duration.ofSeconds(20));
    long killedAt = env.currentTimeMillis();

    host.running.remove("i-1");
    env.sleep(Duration.ofMinutes(2));

    assertThat(registry.events("restart-started"))
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("3 failed probes in a row"));
    assertThat(host.startsOf("i-1")).hasSize(2);
    assertThat(host.startsOf("i-2")).isEmpty();
    assertThat(registry.events("restarted")).singleElement();
    assertThat(registry.state("i-1")).isEqualTo("ready");
    assertThat(registry.score("i-1")).isEqualTo(100);
    // Three probes, the first within one interval of the kill and the next two a suspect interval
    // apart, then the failed first attempt and its 2 s backoff.
    long restartedAt = registry.events("restarted").getFirst().atMillis();
    assertThat(restartedAt - killedAt).isBetween(4_000L, 5_000L + 2_000 + 2_000 + 1_000);
    HealthSnapshot snapshot = loop().snapshot();
    assertThat(snapshot.restarting()).isEmpty();
    assertThat(snapshot.instances().get("i-1").consecutiveFailures()).isZero();
    assertThat(snapshot.instances().get("i-1").samples())
        .noneMatch(s -> s.outcome() == ProbeOutcome.FAILED);
  }

  @Test
  void anInstanceStartingTooLongIsRestartedOnlyOnceNoLoadOrRestartOwnsIt() {
    // Its load still runs (a large model, a slow disk), and it does not answer yet.
    registry.instances.put(
        "i-loading", new FakeHealthRegistry.Instance("starting", "http://127.0.0.1:1", 100));
    registry.startingForTooLong.add("i-loading");
    registry.runningOwners.add("load:local_gguf:tiny");
    startLoop(policy(3));

    env.sleep(Duration.ofMinutes(1));

    assertThat(registry.ownerQuestions)
        .isNotEmpty()
        .allSatisfy(
            asked ->
                assertThat(asked)
                    .containsExactly(
                        "load:local_gguf:tiny", "deployment:local_gguf:tiny", "restart:i-loading"));
    assertThat(registry.events("restart-started")).isEmpty();
    assertThat(host.startsOf("i-loading")).isEmpty();

    // Its load was terminated: nothing will finish or fail the start but a restart.
    registry.runningOwners.clear();
    env.sleep(Duration.ofSeconds(30));

    assertThat(registry.events("restart-started")).singleElement();
    assertThat(host.startsOf("i-loading")).isNotEmpty();
  }

  @Test
  void aDeadServerRegisteredFromElsewhereIsScoredButNotRestarted() {
    registry.ready("i-ext", host.run("i-ext"));
    registry.external.add("i-ext");
    startLoop(policy(3));
    env.sleep(Duration.ofSeconds(6));

    host.running.remove("i-ext");
    env.sleep(Duration.ofMinutes(1));

    assertThat(host.starts).isEmpty();
    assertThat(registry.events("restart-started")).isEmpty();
    assertThat(registry.state("i-ext")).isEqualTo("unhealthy");
    assertThat(registry.score("i-ext")).isZero();
  }

  @Test
  void itsHistoryReplaysWithTheCurrentCode() throws Exception {
    registry.ready("i-1", host.run("i-1"));
    WorkflowExecution first = startLoop(policy(4));
    env.sleep(Duration.ofSeconds(1));
    // Failed probes at 5, 6 and 7 s: the first run's fourth and last round starts the restart.
    host.running.remove("i-1");
    // Past the restart and on into the next run: the first run then holds the child's start.
    env.sleep(Duration.ofSeconds(40));

    WorkflowExecutionHistory history =
        env.getWorkflowClient().fetchHistory(LOOP_ID, first.getRunId());

    assertThat(registry.events("restarted")).hasSize(1);
    assertThat(history.getEvents())
        .anyMatch(e -> e.hasStartChildWorkflowExecutionInitiatedEventAttributes());
    WorkflowReplayer.replayWorkflowExecution(history, HealthCheckWorkflowImpl.class);
  }

  @Test
  void continuesAsNewEveryFewRoundsAndCarriesTheSamplesOver() {
    registry.ready("i-1", host.run("i-1"));
    WorkflowExecution first = startLoop(policy(3));

    env.sleep(Duration.ofSeconds(52));

    HealthSnapshot snapshot = loop().snapshot();
    assertThat(currentRunId()).isNotEqualTo(first.getRunId());
    assertThat(snapshot.rounds()).isGreaterThanOrEqualTo(10);
    // No run does more than three rounds, yet the history holds every round's probe.
    assertThat(snapshot.instances().get("i-1").samples()).hasSize((int) snapshot.rounds());
    assertThat(snapshot.policy().roundsPerRun()).isEqualTo(3);
  }

  @Test
  void continuesAsNewWhileARestartIsInFlightAndRestartsTheInstanceOnlyOnce() {
    registry.ready("i-1", host.run("i-1"));
    // Two failed starts and backoffs of 20 and 40 s: the restart outlasts four runs of three
    // rounds.
    host.failNextStarts.set(2);
    startLoop(
        policy(3, new RestartPolicy(3, Duration.ofSeconds(20), 2.0, Duration.ofMinutes(1), null)));
    env.sleep(Duration.ofSeconds(1));
    host.running.remove("i-1");
    env.sleep(Duration.ofSeconds(10));
    assertThat(registry.events("restart-started")).singleElement();
    String runDuringRestart = currentRunId();

    env.sleep(Duration.ofSeconds(20));

    assertThat(registry.events("restarted")).isEmpty();
    assertThat(currentRunId()).isNotEqualTo(runDuringRestart);

    env.sleep(Duration.ofMinutes(1));

    assertThat(registry.events("restarted")).singleElement();
    assertThat(registry.events("restart-started")).singleElement();
    assertThat(host.startsOf("i-1")).hasSize(3);
    assertThat(registry.state("i-1")).isEqualTo("ready");
    assertThat(loop().snapshot().instances().get("i-1").samples())
        .noneMatch(s -> s.outcome() == ProbeOutcome.FAILED);
  }

  @Test
  void aNewPolicyAppliesFromTheNextRound() {
    registry.ready("i-1", host.run("i-1"));
    startLoop(policy(100));
    env.sleep(Duration.ofSeconds(12));
    long before = loop().snapshot().rounds();

    loop().reconfigure(policy(100).withInterval(Duration.ofMinutes(1), Duration.ofSeconds(1)));
    env.sleep(Duration.ofSeconds(50));

    assertThat(loop().snapshot().rounds()).isEqualTo(before + 1);
    assertThat(loop().snapshot().policy().interval()).isEqualTo(Duration.ofMinutes(1));
  }

  private static HealthPolicy policy(int roundsPerRun) {
    return policy(roundsPerRun, FAST_RESTARTS);
  }

  private static HealthPolicy policy(int roundsPerRun, RestartPolicy restarts) {
    return new HealthPolicy(
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        roundsPerRun,
        3,
        null,
        null,
        null,
        null,
        restarts);
  }

  private WorkflowExecution startLoop(HealthPolicy policy) {
    HealthCheckWorkflow loop =
        env.getWorkflowClient()
            .newWorkflowStub(
                HealthCheckWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LOOP_ID)
                    .setTaskQueue(TaskQueues.HEALTH)
                    .build());
    return WorkflowClient.start(loop::check, HealthCheckRequest.start(policy));
  }

  private HealthCheckWorkflow loop() {
    return env.getWorkflowClient().newWorkflowStub(HealthCheckWorkflow.class, LOOP_ID);
  }

  private String currentRunId() {
    return env.getWorkflowClient()
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(env.getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(LOOP_ID))
                .build())
        .getWorkflowExecutionInfo()
        .getExecution()
        .getRunId();
  }
}
