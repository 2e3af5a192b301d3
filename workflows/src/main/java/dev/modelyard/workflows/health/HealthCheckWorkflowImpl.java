package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.HostActivityStubs;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The health-check loop. Each round lists the instances that should be serving, probes them all in
 * parallel, re-scores them from their recent probes (kept here, in the workflow's state, and
 * carried over when it continues as new) and stores score and state in the registry. An instance
 * with {@code failuresBeforeRestart} failed probes in a row is handed to a restart child workflow.
 */
public class HealthCheckWorkflowImpl implements HealthCheckWorkflow {

  /** A round skips rather than waits when the database is down: the next round comes soon. */
  private static final ActivityOptions REGISTRY =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(200))
                  .setMaximumInterval(Duration.ofSeconds(2))
                  .setMaximumAttempts(3)
                  .build())
          .build();

  private final HealthRegistryActivities registry =
      Workflow.newActivityStub(HealthRegistryActivities.class, REGISTRY);
  private final InstanceOwnerActivities owners =
      Workflow.newActivityStub(InstanceOwnerActivities.class, REGISTRY);

  private HealthPolicy policy;
  private boolean reconfigured;
  private long rounds;
  private final Map<String, InstanceHealth> instances = new TreeMap<>();
  private final Map<String, Promise<RestartInstanceResult>> restarts = new TreeMap<>();

  @Override
  public void check(HealthCheckRequest request) {
    policy = request.policy();
    rounds = request.rounds();
    instances.putAll(request.instances());
    int roundsThisRun = 0;
    // Runs that waited for every restart in flight before continuing as new could grow their
    // history without bound while restarts kept overlapping (a flapping host).
    boolean leavesRestartsBehind =
        Workflow.getVersion("continue-as-new-during-restarts", Workflow.DEFAULT_VERSION, 1) == 1;
    while (true) {
      forgetFinishedRestarts();
      if ((roundsThisRun >= policy.roundsPerRun() || Workflow.getInfo().isContinueAsNewSuggested())
          && (leavesRestartsBehind || restarts.isEmpty())) {
        // A restart goes on without this run (its parent-close policy abandons it). Its end would
        // have cleared the instance's probes here; the next run starts it with none instead, and
        // a repeated restart of it meets the one still running (same workflow ID) and is dropped.
        instances.keySet().removeAll(restarts.keySet());
        Workflow.continueAsNew(new HealthCheckRequest(policy, instances, rounds));
      }
      reconfigured = false;
      round();
      roundsThisRun++;
      rounds++;
      Duration pause = anySuspect() ? policy.suspectInterval() : policy.interval();
      Workflow.await(pause, () -> reconfigured);
    }
  }

  @Override
  public void reconfigure(HealthPolicy policy) {
    this.policy = policy != null ? policy : HealthPolicy.DEFAULTS;
    reconfigured = true;
  }

  @Override
  public HealthSnapshot snapshot() {
    return new HealthSnapshot(
        policy, rounds, new TreeMap<>(instances), new HashSet<>(restarts.keySet()));
  }

  private void round() {
    List<InstanceToCheck> listed;
    try {
      listed = registry.instancesToCheck(policy.startingTooLong());
    } catch (ActivityFailure failure) {
      return;
    }
    Set<String> present = new HashSet<>();
    listed.forEach(instance -> present.add(instance.instanceId()));
    // Stopped, failed or restarting instances leave the list; when they come back, they start
    // with a clean history.
    instances.keySet().retainAll(present);

    Map<String, Promise<ProbeResult>> probing = new LinkedHashMap<>();
    Set<String> external = new HashSet<>();
    for (InstanceToCheck instance : listed) {
      if (RegisterEndpointWorkflow.EXTERNAL_HOST.equals(instance.hostId())) {
        external.add(instance.instanceId());
      }
      if (!restarts.containsKey(instance.instanceId())) {
        probing.put(
            instance.instanceId(),
            Async.function(
                probeActivities(
                        "probe instance "
                            + HostActivityStubs.shortId(instance.instanceId())
                            + " of "
                            + instance.modelName())
                    ::probe,
                new ProbeRequest(
                    instance.instanceId(),
                    instance.modelName(),
                    instance.endpoint(),
                    policy.livenessTimeout(),
                    policy.generationTimeout())));
      }
    }

    List<HealthRecord> records = new ArrayList<>();
    Map<String, String> toRestart = new LinkedHashMap<>();
    long now = Workflow.currentTimeMillis();
    for (Map.Entry<String, Promise<ProbeResult>> entry : probing.entrySet()) {
      String instanceId = entry.getKey();
      ProbeResult result;
      try {
        result = entry.getValue().get();
      } catch (ActivityFailure failure) {
        // The probe itself did not run (no health worker, our timeout): that says nothing about
        // the instance, so it adds no sample.
        continue;
      }
      InstanceHealth health =
          instances
              .getOrDefault(instanceId, InstanceHealth.fresh())
              .with(
                  new HealthSample(now, result.outcome(), result.latencyMillis()),
                  policy.scoring());
      instances.put(instanceId, health);
      records.add(
          new HealthRecord(
              instanceId, health.score(), health.state(policy.scoring()), describe(result)));
      // A server someone else runs (registered, not started here) is scored, never restarted.
      if (health.consecutiveFailures() >= policy.failuresBeforeRestart()
          && !external.contains(instanceId)) {
        toRestart.put(
            instanceId,
            health.consecutiveFailures() + " failed probes in a row; last: " + result.detail());
      }
    }
    if (!records.isEmpty()) {
      try {
        registry.recordHealth(records);
      } catch (ActivityFailure failure) {
        // The scores live on here; the next round stores them again.
      }
    }
    if (!toRestart.isEmpty()
        && Workflow.getVersion("starts-still-owned", Workflow.DEFAULT_VERSION, 1) == 1) {
      leaveStartsStillOwned(listed, toRestart);
    }
    toRestart.forEach(this::restart);
  }

  /**
   * An instance starting for too long that its load, restart or deployment is still bringing up is
   * theirs ({@link InstanceOwnerActivities#ownersRunning}): a large model may take that long to
   * load, and a restart would stop it and start it over, again and again. Only one no owner brings
   * up is restarted (before, every one was). Owners that cannot be asked this round keep their
   * instance for another round.
   */
  private void leaveStartsStillOwned(List<InstanceToCheck> listed, Map<String, String> toRestart) {
    Map<String, List<String>> ownersOf = new LinkedHashMap<>();
    for (InstanceToCheck instance : listed) {
      if (instance.starting() && toRestart.containsKey(instance.instanceId())) {
        ownersOf.put(
            instance.instanceId(),
            InstanceOwners.of(instance.provider(), instance.modelName(), instance.instanceId()));
      }
    }
    if (ownersOf.isEmpty()) {
      return;
    }
    Set<String> running;
    try {
      running =
          new HashSet<>(
              owners.ownersRunning(
                  ownersOf.values().stream().flatMap(List::stream).distinct().toList()));
    } catch (ActivityFailure failure) {
      toRestart.keySet().removeAll(ownersOf.keySet());
      return;
    }
    ownersOf.forEach(
        (instanceId, possible) -> {
          if (possible.stream().anyMatch(running::contains)) {
            toRestart.remove(instanceId);
          }
        });
  }

  private void restart(String instanceId, String reason) {
    RestartInstanceWorkflow child =
        Workflow.newChildWorkflowStub(
            RestartInstanceWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(HealthWorkflowIds.restart(instanceId))
                // A restart half done must finish even if this loop is terminated or reset.
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    Promise<RestartInstanceResult> result =
        Async.function(
            child::restart, new RestartInstanceRequest(instanceId, reason, policy.restart()));
    try {
      Workflow.getWorkflowExecution(child).get();
      restarts.put(instanceId, result);
    } catch (ChildWorkflowFailure failure) {
      // Usually WorkflowExecutionAlreadyStarted: an earlier run of this loop already restarts it.
      // Whatever the cause, the loop must go on; a later round asks again if it still fails.
    }
  }

  private void forgetFinishedRestarts() {
    restarts
        .entrySet()
        .removeIf(
            entry -> {
              if (!entry.getValue().isCompleted()) {
                return false;
              }
              // Restarted, failed or unloaded: either way its old probes no longer describe it.
              instances.remove(entry.getKey());
              return true;
            });
  }

  /**
   * Whether an instance has started failing but not yet reached the restart limit: it is probed
   * again sooner, so that a dead instance is restarted in seconds while one failure costs little.
   */
  private boolean anySuspect() {
    return instances.values().stream()
        .anyMatch(
            health ->
                health.consecutiveFailures() > 0
                    && health.consecutiveFailures() < policy.failuresBeforeRestart());
  }

  /** One stub per probe, for its summary: Java's SDK takes one only through a stub's options. */
  private InstanceProbeActivities probeActivities(String summary) {
    Duration budget = policy.probeBudget().plus(Duration.ofSeconds(2));
    return Workflow.newActivityStub(
        InstanceProbeActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(budget)
            .setScheduleToCloseTimeout(budget.plus(policy.interval()))
            // A failed probe is data for the score, not an error to retry.
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .setSummary(summary)
            .build());
  }

  private static String describe(ProbeResult result) {
    return result.detail() != null
        ? result.outcome() + ": " + result.detail()
        : result.outcome() + " in " + result.latencyMillis() + " ms";
  }
}
