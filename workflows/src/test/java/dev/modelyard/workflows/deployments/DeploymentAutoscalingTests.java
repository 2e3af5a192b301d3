package dev.modelyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.autoscaling.FakeLoads;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.autoscaling.ScalingRecord;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.placement.DeviceMemory;
import dev.modelyard.workflows.placement.InMemoryLedger;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment following its autoscaling policy in Temporal's time-skipping environment: minutes
 * of evaluations, cooldowns and idle periods pass in milliseconds.
 */
class DeploymentAutoscalingTests {

  private static final String HOST = "host-a";
  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");
  private static final long GIB = 1024L * 1024 * 1024;

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  private final FakeLoads loads = new FakeLoads();
  private final InMemoryLedger ledger =
      new InMemoryLedger(List.of(new DeviceMemory(HOST, "GPU-0", 0, 64 * GIB, 0)), 4 * GIB);
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final List<String> stopped = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    registry.models.put(TINY, new RegisteredModel("model-1", TINY, "/models/tiny.gguf", HOST));
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(DeploymentWorkflowImpl.class);
    runtime.registerActivitiesImplementations(registry, ledger, loads);
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new FakeHost();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void scaledToZeroAfterTheIdlePeriodThenOneRequestBringsOneInstanceUp() {
    AutoscalingPolicy policy =
        AutoscalingPolicy.between(0, 3).withIdlePeriod(Duration.ofMinutes(5));
    assertThat(autoscaleWithStart(policy).desiredInstances()).isZero();

    assertThat(deployment().wake().desiredInstances()).isEqualTo(1);
    awaitReady(1);
    String first = started.getFirst();

    env.sleep(Duration.ofMinutes(4));
    assertThat(readyIds()).containsExactly(first);
    env.sleep(Duration.ofMinutes(1).plusSeconds(15));
    awaitReady(0);
    assertThat(stopped).containsExactly(first);
    assertThat(ledger.reservations()).isEmpty();
    assertThat(deployment().state().desiredInstances()).isZero();

    assertThat(deployment().wake().desiredInstances()).isEqualTo(1);
    awaitReady(1);
    assertThat(started).hasSize(2);
    // A second request during the start finds the count already there.
    assertThat(deployment().wake().desiredInstances()).isEqualTo(1);
    awaitUntil(() -> loads.recorded.size() == 4);
    assertThat(loads.recorded)
        .extracting(ScalingRecord::trigger, ScalingRecord::fromReplicas, ScalingRecord::toReplicas)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ScalingRecord.POLICY, 0, 0),
            org.assertj.core.groups.Tuple.tuple(ScalingRecord.COLD_START, 0, 1),
            org.assertj.core.groups.Tuple.tuple(ScalingRecord.AUTOSCALER, 1, 0),
            org.assertj.core.groups.Tuple.tuple(ScalingRecord.COLD_START, 0, 1));
    assertThat(loads.recorded.get(2).reason()).isEqualTo("no request for 5m (idle period 5m)");
    assertThat(deployment().state().recentDecisions()).isEqualTo(loads.recorded);
  }

  @Test
  void followsTheLoadUpAtOnceAndDownAfterTheCooldown() {
    AutoscalingPolicy policy =
        AutoscalingPolicy.between(1, 4)
            .withTargetInFlightPerReplica(2)
            .withCooldowns(Duration.ofSeconds(30), Duration.ofMinutes(5));
    assertThat(autoscaleWithStart(policy).desiredInstances()).as("raised to the minimum").isOne();
    awaitReady(1);

    loads.load = new LoadSummary(7, 120, Duration.ofMillis(300));
    // The raise to the minimum started the scale-up cooldown of 30 s.
    env.sleep(Duration.ofSeconds(15));
    assertThat(deployment().state().lastEvaluation()).contains(", but the scale-up cooldown has ");
    env.sleep(Duration.ofSeconds(20));
    awaitReady(4);
    ScalingRecord up = loads.recorded.getLast();
    assertThat(up.reason()).isEqualTo("7.00 in flight per replica is above the target of 2.00");
    assertThat(up.load()).isEqualTo(loads.load);
    assertThat(loads.queries)
        .allSatisfy(q -> assertThat(q.window()).isEqualTo(Duration.ofMinutes(1)));

    loads.load = new LoadSummary(1, 10, Duration.ofMillis(300));
    env.sleep(Duration.ofMinutes(2));
    assertThat(readyIds()).hasSize(4);
    assertThat(deployment().state().lastEvaluation())
        .startsWith("0.25 in flight per replica is well below the target of 2.00; 1 replicas")
        .contains("but the scale-down cooldown has");

    env.sleep(Duration.ofMinutes(3).plusSeconds(15));
    awaitReady(1);
    assertThat(deployment().state().desiredInstances()).isOne();
  }

  @Test
  void aLoadThatCannotBeReadHoldsTheCountAndSaysWhy() {
    autoscaleWithStart(AutoscalingPolicy.between(1, 3));
    awaitReady(1);
    loads.unreadable = true;

    env.sleep(Duration.ofSeconds(15));

    assertThat(deployment().state().lastEvaluation())
        .isEqualTo("holding at 1: cannot read the load: load samples unreachable");
    assertThat(readyIds()).hasSize(1);
  }

  @Test
  void aRequestWhileTheLoadCouldNotBeReadIsFoundOnceItCanBe() {
    autoscaleWithStart(AutoscalingPolicy.between(0, 1).withIdlePeriod(Duration.ofMinutes(5)));
    long woken = env.currentTimeMillis();
    assertThat(deployment().wake().desiredInstances()).isOne();
    awaitReady(1);
    env.sleep(Duration.ofSeconds(15));

    // Six minutes no window could be read, with a request in the middle of them.
    loads.unreadable = true;
    loads.requestsAt.add(woken + Duration.ofMinutes(3).toMillis());
    env.sleep(Duration.ofMinutes(6));
    loads.unreadable = false;
    env.sleep(Duration.ofSeconds(30));

    assertThat(deployment().state().desiredInstances()).isOne();
    assertThat(readyIds()).hasSize(1);
    // Idle from where the gap ended: five quiet minutes later, zero.
    env.sleep(Duration.ofMinutes(5));
    awaitReady(0);
    assertThat(loads.recorded.getLast().reason()).startsWith("no request for 5m");
  }

  @Test
  void requestsBetweenWindowsReadEveryFiveMinutesKeepTheModelUp() {
    autoscaleWithStart(
        AutoscalingPolicy.between(0, 1)
            .withIdlePeriod(Duration.ofMinutes(15))
            .withEvaluation(Duration.ofMinutes(5), Duration.ofMinutes(1)));
    long woken = env.currentTimeMillis();
    assertThat(deployment().wake().desiredInstances()).isOne();
    awaitReady(1);
    // Each request falls between two one-minute windows read five minutes apart.
    for (int minute : new int[] {2, 7, 12, 17}) {
      loads.requestsAt.add(woken + Duration.ofMinutes(minute).toMillis());
    }

    env.sleep(Duration.ofMinutes(18));
    assertThat(deployment().state().desiredInstances()).isOne();

    // Then none: fifteen idle minutes after the last one, at an evaluation, zero.
    env.sleep(Duration.ofMinutes(20));
    awaitReady(0);
  }

  @Test
  void aWindowAsLongAsTheIntervalLeavesNoGapThatKeepsAnIdleModelUp() {
    autoscaleWithStart(
        AutoscalingPolicy.between(0, 1)
            .withIdlePeriod(Duration.ofMinutes(5))
            .withEvaluation(Duration.ofMinutes(1), Duration.ofMinutes(1)));
    assertThat(deployment().wake().desiredInstances()).isOne();
    awaitReady(1);
    // Each read takes a moment, so reads are a little more than a window apart.
    loads.readMillis = 50;

    env.sleep(Duration.ofMinutes(7));

    awaitReady(0);
  }

  @Test
  void aScaleToZeroByRequestTurnsAutoscalingOffAndAWakeIsThenRejected() {
    autoscaleWithStart(AutoscalingPolicy.between(1, 3));
    awaitReady(1);

    deployment().scale(new ScaleRequest(0));
    awaitReady(0);

    assertThat(deployment().state().autoscaling()).isNull();
    assertThatThrownBy(() -> deployment().wake())
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("not autoscaled");
    env.sleep(Duration.ofMinutes(2));
    assertThat(readyIds()).isEmpty();
    awaitUntil(() -> loads.recorded.size() == 2);
    assertThat(loads.recorded.getLast().reason())
        .isEqualTo("scaled to 0 by request; autoscaling off");
  }

  @Test
  void aModelWarmedUpByHandAfterHoursIdleIsNotScaledBackAtTheNextEvaluation() {
    autoscaleWithStart(AutoscalingPolicy.between(0, 3).withIdlePeriod(Duration.ofMinutes(15)));
    env.sleep(Duration.ofHours(2));

    assertThat(deployment().scale(new ScaleRequest(2)).desiredInstances()).isEqualTo(2);
    awaitReady(2);
    // Several evaluations, all within the scale-down cooldown: only the idle rule, which ignores
    // cooldowns, could stop them now, and idle counts from the scale.
    env.sleep(Duration.ofMinutes(1));

    assertThat(readyIds()).hasSize(2);
    assertThat(deployment().state().desiredInstances()).isEqualTo(2);
  }

  @Test
  void aCountOutsideThePolicyIsRefusedWhileAutoscaledAndZeroStillTurnsItOff() {
    autoscaleWithStart(AutoscalingPolicy.between(1, 3));
    awaitReady(1);

    assertThatThrownBy(() -> deployment().scale(new ScaleRequest(5)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("desired_instances must be between 1 and 3 while the deployment");
    assertThat(deployment().state().desiredInstances()).isOne();
    assertThat(deployment().scale(new ScaleRequest(0)).desiredInstances()).isZero();
    assertThat(deployment().state().autoscaling()).isNull();
  }

  @Test
  void aWakeWhileTheOnlyReplicaIsGoneReplacesItAtOnceNotAtTheNextRecheck() {
    autoscaleWithStart(AutoscalingPolicy.between(1, 2));
    awaitReady(1);
    registry.recordFailed(started.getFirst(), "process exited");

    assertThat(deployment().wake().desiredInstances()).isOne();
    // Well before the minute's re-check.
    env.sleep(Duration.ofSeconds(5));

    awaitReady(1);
    assertThat(started).hasSize(2);
  }

  @Test
  void aReplicaThatDiesIsReplacedAtTheMinutesRecheckWhateverTheEvaluationInterval() {
    autoscaleWithStart(
        AutoscalingPolicy.between(1, 2)
            .withCooldowns(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .withEvaluation(Duration.ofHours(1), Duration.ofMinutes(1)));
    awaitReady(1);
    registry.recordFailed(started.getFirst(), "process exited");

    env.sleep(Duration.ofSeconds(70));

    awaitReady(1);
    assertThat(started).hasSize(2);
    assertThat(loads.queries).as("the load is read on its own schedule, not each minute").isEmpty();

    loads.load = new LoadSummary(7, 120, Duration.ofMillis(300));
    env.sleep(Duration.ofMinutes(59));
    awaitReady(2);
    assertThat(loads.queries).hasSize(1);
  }

  @Test
  void anIntervalLongerThanARunIsKeptAcrossContinuingAsNew() {
    DeploymentWorkflow workflow = newDeployment();
    // Two re-checks a run: an interval of 5 minutes outlasts each run.
    WorkflowClient.start(
        workflow::run, new DeploymentInput(TINY, 0, ResourceRequirements.DEFAULTS, 2));
    deployment()
        .autoscale(
            new AutoscalingRequest(
                AutoscalingPolicy.between(1, 2)
                    .withCooldowns(Duration.ofSeconds(1), Duration.ofSeconds(1))
                    .withEvaluation(Duration.ofMinutes(5), Duration.ofMinutes(1))));
    awaitReady(1);
    loads.load = new LoadSummary(7, 120, Duration.ofMillis(300));

    env.sleep(Duration.ofMinutes(4));
    assertThat(loads.queries).isEmpty();
    env.sleep(Duration.ofMinutes(1).plusSeconds(30));

    awaitReady(2);
    assertThat(loads.queries).hasSize(1);
  }

  @Test
  void theValidatorRejectsAMaximumAboveTheDeploymentsLimit() {
    autoscaleWithStart(AutoscalingPolicy.between(0, 2));

    assertThatThrownBy(
            () ->
                deployment()
                    .autoscale(
                        new AutoscalingRequest(
                            AutoscalingPolicy.between(0, DeploymentWorkflow.MAX_INSTANCES + 1))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("max_replicas must be at most 16, was 17");
    assertThat(deployment().state().autoscaling().maxReplicas()).isEqualTo(2);
  }

  @Test
  void thePolicyAndItsDecisionsSurviveContinuingAsNew() {
    DeploymentWorkflow workflow = newDeployment();
    WorkflowClient.start(
        workflow::run, new DeploymentInput(TINY, 0, ResourceRequirements.DEFAULTS, 2));
    deployment().autoscale(new AutoscalingRequest(AutoscalingPolicy.between(2, 3)));
    awaitReady(2);

    env.sleep(Duration.ofMinutes(2).plusSeconds(5));

    DeploymentState state = deployment().state();
    assertThat(state.autoscaling()).isEqualTo(AutoscalingPolicy.between(2, 3));
    assertThat(state.recentDecisions()).hasSize(1);
    assertThat(state.desiredInstances()).isEqualTo(2);
    assertThat(started).hasSize(2);
  }

  private AutoscalingAccepted autoscaleWithStart(AutoscalingPolicy policy) {
    DeploymentWorkflow workflow = newDeployment();
    return WorkflowClient.executeUpdateWithStart(
        workflow::autoscale,
        new AutoscalingRequest(policy),
        UpdateOptions.<AutoscalingAccepted>newBuilder().build(),
        new WithStartWorkflowOperation<>(workflow::run, DeploymentInput.of(TINY)));
  }

  private DeploymentWorkflow newDeployment() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            DeploymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.deployment(TINY))
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
  }

  private DeploymentWorkflow deployment() {
    return env.getWorkflowClient()
        .newWorkflowStub(DeploymentWorkflow.class, WorkflowIds.deployment(TINY));
  }

  private List<String> readyIds() {
    return registry.instanceStates.entrySet().stream()
        .filter(e -> e.getValue().equals("ready"))
        .map(java.util.Map.Entry::getKey)
        .toList();
  }

  private void awaitReady(int count) {
    awaitUntil(
        () ->
            readyIds().size() == count
                && !registry.instanceStates.containsValue("starting")
                && !registry.instanceStates.containsValue("stopping"));
  }

  private static void awaitUntil(BooleanSupplier condition) {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met in 15 seconds");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private class FakeHost implements InstanceHostActivities {
    @Override
    public StartedInstance startInstance(StartInstance request) {
      started.add(request.instanceId());
      return new StartedInstance(request.instanceId(), "http://127.0.0.1:9000");
    }

    @Override
    public void stopInstance(String instanceId) {
      stopped.add(instanceId);
    }
  }
}
