package dev.modelyard.workflows.maintenance;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.HostActivityStubs;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelResult;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.health.InstanceOwnerActivities;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * One cleanup. Each part runs on its own: a failure in one (a host that is down, a model that will
 * not stop) is reported in the result and the others still run; the next run tries again.
 */
public class CleanupWorkflowImpl implements CleanupWorkflow {

  /** Calls of a deletion per run: at most some minutes of deleting an hour. */
  private static final int MAX_DELETIONS = 20;

  private final CleanupActivities cleanup =
      Workflow.newActivityStub(CleanupActivities.class, RegistryOptions.DEFAULT);
  private final DiscoveryActivities registry =
      Workflow.newActivityStub(DiscoveryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceOwnerActivities owners =
      Workflow.newActivityStub(InstanceOwnerActivities.class, RegistryOptions.DEFAULT);

  private final List<String> problems = new ArrayList<>();

  @Override
  public CleanupResult cleanUp(CleanupRequest request) {
    CleanupPolicy policy = request.policy();
    long now = Workflow.currentTimeMillis();
    List<ActiveInstance> instances = part("list active instances", cleanup::activeInstances, null);

    List<String> unloaded =
        instances == null
            ? List.of()
            : part("unload idle models", () -> unloadIdle(instances, now, policy), List.of());
    List<String> failedStarts =
        instances == null
            ? List.of()
            : part(
                "fail abandoned starts",
                () -> failAbandonedStarts(instances, now, policy),
                List.of());
    List<String> deletedPartials =
        part(
            "delete abandoned partial files",
            () -> deleteAbandonedPartials(now, policy),
            List.of());
    int auditRows = deleteOldAudit(now - policy.auditRetention().toMillis());
    Map<RetainedRecords, Integer> deletedRecords = new EnumMap<>(RetainedRecords.class);
    if (Workflow.getVersion("records-retention", Workflow.DEFAULT_VERSION, 1) == 1) {
      for (RetainedRecords records : RetainedRecords.values()) {
        long cutoff = now - records.retention(policy).toMillis();
        deletedRecords.put(
            records,
            deleteInCalls(
                records.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " retention",
                () -> cleanup.deleteRecordsBefore(records, cutoff)));
      }
    }
    return new CleanupResult(
        unloaded, failedStarts, deletedPartials, auditRows, deletedRecords, problems);
  }

  /**
   * One part of the run; its failure (Temporal or the database unreachable past an activity's
   * attempts) is one of the run's problems, and the other parts still run.
   */
  private <T> T part(String what, Supplier<T> part, T whenFailed) {
    try {
      return part.get();
    } catch (ActivityFailure failure) {
      problems.add(what + ": " + DiscoveryWorkflowImpl.rootMessage(failure));
      return whenFailed;
    }
  }

  /** Runs before batches deleted all in one call, and their failure failed the run. */
  private int deleteOldAudit(long cutoffMillis) {
    if (Workflow.getVersion("audit-in-batches", Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return cleanup.deleteAuditBefore(cutoffMillis);
    }
    return deleteInCalls("audit retention", () -> cleanup.deleteAuditBefore(cutoffMillis));
  }

  /**
   * Each call deletes for some seconds; calls go on while rows are left, up to {@link
   * #MAX_DELETIONS} a run (the next run deletes the rest). A failure is one of the run's problems.
   */
  private int deleteInCalls(String what, IntSupplier call) {
    int deleted = 0;
    try {
      for (int calls = 0; calls < MAX_DELETIONS; calls++) {
        int batch = call.getAsInt();
        deleted += batch;
        if (batch == 0) {
          break;
        }
      }
    } catch (ActivityFailure failure) {
      problems.add(what + ": " + DiscoveryWorkflowImpl.rootMessage(failure));
    }
    return deleted;
  }

  /**
   * Through the unload workflow itself, under its usual ID: an unload the user asked for at the
   * same moment is the same workflow, and stopping follows one code path.
   */
  private List<String> unloadIdle(List<ActiveInstance> instances, long now, CleanupPolicy policy) {
    List<ModelRef> idle = CleanupDecisions.idleModels(instances, now, policy.idleTtl());
    if (idle.isEmpty()) {
      return List.of();
    }
    // A model under a deployment keeps the replicas its deployment asks for, idle or not.
    Set<String> deployed =
        new HashSet<>(
            cleanup.runningWorkflows(idle.stream().map(WorkflowIds::deployment).toList()));
    // Only the instances seen idle: one started since (a load, a new deployment) stays. Runs
    // before this unloaded every instance of the model.
    boolean onlySeen =
        Workflow.getVersion("unload-only-instances-seen", Workflow.DEFAULT_VERSION, 1) == 1;
    // Each instance checked again as the unload takes it out of routing: minutes may pass between
    // this run's read and that, and a model used meanwhile keeps what was used.
    Duration recheckedIdle =
        Workflow.getVersion("cleanup-unload-rechecks-idle", Workflow.DEFAULT_VERSION, 1) == 1
            ? policy.idleTtl()
            : null;
    Map<ModelRef, Promise<UnloadModelResult>> unloading = new LinkedHashMap<>();
    for (ModelRef model : idle) {
      if (deployed.contains(WorkflowIds.deployment(model))) {
        continue;
      }
      UnloadModelWorkflow unload =
          Workflow.newChildWorkflowStub(
              UnloadModelWorkflow.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(WorkflowIds.unload(model))
                  .setTaskQueue(TaskQueues.RUNTIME)
                  // An unload half done must finish even if this run ends first.
                  .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                  .build());
      List<String> seen =
          onlySeen
              ? instances.stream()
                  .filter(
                      i ->
                          i.provider().equals(model.provider().wireName())
                              && i.modelName().equals(model.name()))
                  .map(ActiveInstance::instanceId)
                  .toList()
              : null;
      unloading.put(
          model,
          Async.function(unload::unload, new UnloadModelRequest(model, seen, recheckedIdle)));
    }
    List<String> unloaded = new ArrayList<>();
    unloading.forEach(
        (model, done) -> {
          try {
            UnloadModelResult result = done.get();
            // A model whose every instance was used since this run looked was not unloaded.
            if (recheckedIdle == null || !result.stoppedInstanceIds().isEmpty()) {
              unloaded.add(model.toString());
            }
          } catch (ChildWorkflowFailure failure) {
            problems.add("unload " + model + ": " + DiscoveryWorkflowImpl.rootMessage(failure));
          }
        });
    return unloaded;
  }

  /**
   * Runs that ask whether an owner is bringing the instance up, as the health loop does; before, a
   * running deployment kept every starting replica of its model, even one a terminated run of it
   * had left behind, for good.
   */
  static final String OWNERS_BRINGING_UP_CHANGE = "cleanup-asks-owners-bringing-up";

  /** Runs that stop an abandoned start on its host; before, it was only recorded failed. */
  static final String STOPS_ABANDONED_STARTS_CHANGE = "cleanup-stops-abandoned-starts";

  private List<String> failAbandonedStarts(
      List<ActiveInstance> instances, long now, CleanupPolicy policy) {
    List<ActiveInstance> stuck =
        CleanupDecisions.startingTooLong(instances, now, policy.startingGrace());
    if (stuck.isEmpty()) {
      return List.of();
    }
    List<String> owners = new ArrayList<>();
    stuck.forEach(i -> owners.addAll(CleanupDecisions.possibleOwners(i)));
    Set<String> running =
        new HashSet<>(
            Workflow.getVersion(OWNERS_BRINGING_UP_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
                ? this.owners.ownersRunning(owners)
                : cleanup.runningWorkflows(owners));
    List<String> failed = new ArrayList<>();
    Map<ActiveInstance, Promise<ActivityFailure>> stopping = new LinkedHashMap<>();
    for (ActiveInstance instance : stuck) {
      if (CleanupDecisions.possibleOwners(instance).stream().anyMatch(running::contains)) {
        continue;
      }
      String reason =
          "still starting after "
              + policy.startingGrace()
              + " with no load or restart running for it; recorded failed by cleanup";
      boolean recordedFailed;
      try {
        recordedFailed =
            cleanup.failAbandonedStart(
                instance.instanceId(), reason, now - policy.startingGrace().toMillis());
      } catch (ActivityFailure failure) {
        problems.add(
            "fail abandoned start "
                + instance.instanceId()
                + ": "
                + DiscoveryWorkflowImpl.rootMessage(failure));
        continue;
      }
      if (recordedFailed) {
        failed.add(instance.instanceId());
        if (Workflow.getVersion(STOPS_ABANDONED_STARTS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
          // Recorded failed first, so that no owner can mark it ready meanwhile; then stopped, as
          // whatever the start left may run, and its memory no longer counts as held. All at
          // once: a host that is gone takes minutes to say so.
          stopping.put(
              instance,
              Async.function(
                  HostActivityStubs::stopOnItsHost, instance.instanceId(), instance.hostId()));
        }
      }
    }
    stopping.forEach(
        (instance, stop) -> {
          ActivityFailure notStopped = stop.get();
          if (notStopped != null) {
            problems.add(
                "stop abandoned start "
                    + instance.instanceId()
                    + " on "
                    + instance.hostId()
                    + ": "
                    + DiscoveryWorkflowImpl.rootMessage(notStopped));
          }
        });
    return failed;
  }

  private List<String> deleteAbandonedPartials(long now, CleanupPolicy policy) {
    List<String> deleted = new ArrayList<>();
    for (String hostId : registry.knownHosts()) {
      try {
        List<PartialFile> stale =
            CleanupDecisions.partialsPastGrace(
                DiscoveryWorkflowImpl.modelStoreOn(hostId, "list partial downloads on " + hostId)
                    .listPartialFiles(),
                now,
                policy.partialGrace());
        if (stale.isEmpty()) {
          continue;
        }
        List<String> pulls =
            stale.stream()
                .map(PartialFile::pullWorkflowId)
                .filter(id -> id != null)
                .distinct()
                .toList();
        Set<String> running =
            pulls.isEmpty() ? Set.of() : new HashSet<>(cleanup.runningWorkflows(pulls));
        List<String> paths =
            CleanupDecisions.unowned(stale, running).stream().map(PartialFile::path).toList();
        if (!paths.isEmpty()) {
          DiscoveryWorkflowImpl.modelStoreOn(
                  hostId, "delete " + paths.size() + " abandoned partial download(s) on " + hostId)
              .deletePartialFiles(paths, policy.partialGrace())
              .forEach(path -> deleted.add(hostId + ":" + path));
        }
      } catch (ActivityFailure failure) {
        problems.add("model store@" + hostId + ": " + DiscoveryWorkflowImpl.rootMessage(failure));
      }
    }
    return deleted;
  }
}
