package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

public class UnloadModelWorkflowImpl implements UnloadModelWorkflow {

  /**
   * Unloads that record an instance failed when its host does not stop it, and go on with the
   * others; before, the first such failure ended the unload with the instance stuck in stopping,
   * holding its reservation for good. Instances registered by URL run nowhere of ours: nothing to
   * stop, they are only taken out of routing.
   */
  static final String STOP_FAILURES_CHANGE = "unload-survives-failed-stops";

  /**
   * Unloads that finish stopping the instance in hand when cancelled, and stop before the next: a
   * cancel halfway through one left it in stopping, where nothing looks again, holding its memory's
   * reservation for good. Their records wait out a database outage for the same reason.
   */
  static final String CANCEL_CHANGE = "stops-finish-when-cancelled";

  /**
   * Idle cleanup's unloads that check each instance again as they take it out of routing, keep one
   * used since cleanup looked, and let requests under way on the others finish before stopping
   * them. Before, an instance was stopped on what cleanup had read minutes earlier, cutting off
   * whatever it was serving.
   */
  static final String IDLE_RECHECK_CHANGE = "unload-rechecks-idle";

  /**
   * How long an idle unload waits between taking its instances out of routing (the gateways see it
   * within a second) and stopping them, for the requests under way on them to finish.
   */
  static final Duration IDLE_DRAIN = Duration.ofSeconds(30);

  /** An unload that could not stop every instance; those it could not are recorded failed. */
  static final String STOPS_FAILED = "InstanceStopsFailed";

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instancesUntilAnswered =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);
  private final PlacementActivities placement =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RELEASE);

  private String phase = "starting";
  private boolean everything;

  @Override
  public UnloadModelResult unload(UnloadModelRequest request) {
    phase = "finding instances";
    RegisteredModel model = models.findModel(request.model());
    List<String> stopped = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<InstanceView> active = instances.findActiveInstances(model.modelId());
    if (request.idleTtl() != null
        && Workflow.getVersion(IDLE_RECHECK_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
      List<String> notStopped = new ArrayList<>();
      CancellationScope unloadScope = CancellationScope.current();
      // Once instances are out of routing they must be stopped, whatever the unload is told.
      Workflow.newDetachedCancellationScope(
              () -> unloadIdle(active, request, unloadScope, stopped, failed, notStopped))
          .run();
      if (everything) {
        // A user's unload joined this one: it asked for every instance, used or not, and after
        // whatever cancel came before it.
        Workflow.newDetachedCancellationScope(() -> stopAllActive(model, stopped, failed)).run();
        notStopped.clear();
      } else if (unloadScope.isCancelRequested()) {
        throw new CanceledFailure(
            "unload cancelled after stopping " + stopped + "; the other instances run on");
      }
      return result(stopped, failed, notStopped);
    }
    stopEach(active, request::includes, stopped, failed);
    if (everything && request.instanceIds() != null) {
      // A user's unload joined an unload of some instances (a cleanup's): it asked for all.
      stopAllActive(model, stopped, failed);
    }
    return result(stopped, failed, List.of());
  }

  /** Every instance of the model active now, whoever asked for which. */
  private void stopAllActive(RegisteredModel model, List<String> stopped, List<String> failed) {
    stopEach(instances.findActiveInstances(model.modelId()), id -> true, stopped, failed);
  }

  /**
   * A user's unload that found this one under way (they share its ID) asks it to stop every
   * instance: an idle cleanup's unload would otherwise keep the ones just used, and the user's
   * unload would end with them running.
   */
  @Override
  public void unloadEverything() {
    everything = true;
  }

  private void stopEach(
      List<InstanceView> active,
      Predicate<String> included,
      List<String> stopped,
      List<String> failed) {
    for (InstanceView instance : active) {
      if (!included.test(instance.instanceId())) {
        continue;
      }
      if (Workflow.getVersion(CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        stopOne(instance, instances, stopped, failed);
        continue;
      }
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure(
            "unload cancelled after stopping " + stopped + "; the other instances run on");
      }
      // Once begun, an instance's stop runs to its end whatever the unload is told meanwhile.
      Workflow.newDetachedCancellationScope(
              () -> stopOne(instance, instancesUntilAnswered, stopped, failed))
          .run();
    }
  }

  private UnloadModelResult result(
      List<String> stopped, List<String> failed, List<String> notStopped) {
    if (!failed.isEmpty()) {
      phase = "failed";
      throw ApplicationFailure.newNonRetryableFailure(
          "stopped "
              + stopped.size()
              + " instance(s); the host of "
              + failed
              + " did not stop it, so it is recorded failed and its memory released",
          STOPS_FAILED);
    }
    phase = "done";
    return new UnloadModelResult(stopped, notStopped);
  }

  /**
   * Takes out of routing each instance still idle by the registry's clock (one used since cleanup
   * looked, or no longer serving, is left alone), waits for the requests under way on them, then
   * stops them. A cancel stops it taking more out of routing; those already out are stopped. A
   * user's unload joining it ends the drain at once: it stops every instance whatever their use.
   */
  private void unloadIdle(
      List<InstanceView> active,
      UnloadModelRequest request,
      CancellationScope unloadScope,
      List<String> stopped,
      List<String> failed,
      List<String> notStopped) {
    phase = "checking idle instances";
    List<InstanceView> marked = new ArrayList<>();
    for (InstanceView instance : active) {
      if (!request.includes(instance.instanceId())) {
        continue;
      }
      if (everything
          || unloadScope.isCancelRequested()
          || !instancesUntilAnswered.recordStoppingIfIdle(
              instance.instanceId(), request.idleTtl().toMillis())) {
        notStopped.add(instance.instanceId());
        continue;
      }
      marked.add(instance);
    }
    if (marked.isEmpty()) {
      return;
    }
    phase = "draining";
    Workflow.await(IDLE_DRAIN, () -> everything);
    for (InstanceView instance : marked) {
      phase = "stopping " + instance.instanceId();
      stopMarked(instance, instancesUntilAnswered, stopped, failed);
    }
  }

  /** Stops one instance, adding it to {@code stopped}, or to {@code failed} if its host did not. */
  private void stopOne(
      InstanceView instance,
      InstanceRegistryActivities records,
      List<String> stopped,
      List<String> failed) {
    phase = "stopping " + instance.instanceId();
    // Marked first, so that the gateway stops routing to it before it goes away.
    instances.recordStopping(instance.instanceId());
    stopMarked(instance, records, stopped, failed);
  }

  /** Stops an instance already marked stopping; see {@link #stopOne}. */
  private void stopMarked(
      InstanceView instance,
      InstanceRegistryActivities records,
      List<String> stopped,
      List<String> failed) {
    if (Workflow.getVersion(STOP_FAILURES_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      HostActivityStubs.stopping(instance.instanceId(), instance.hostId())
          .stopInstance(instance.instanceId());
    } else if (!stop(instance, records)) {
      failed.add(instance.instanceId());
      return;
    }
    records.recordStopped(instance.instanceId());
    // Only once it is stopped: its memory is in use until then.
    if (Workflow.getVersion(LoadModelWorkflowImpl.PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
        >= 1) {
      placement.release(instance.instanceId());
    }
    stopped.add(instance.instanceId());
  }

  /**
   * Stops the instance on its host; false, with the instance recorded failed and its memory
   * released, when the host did not (it is down, or gone: its instances with it).
   */
  private boolean stop(InstanceView instance, InstanceRegistryActivities records) {
    ActivityFailure failure =
        HostActivityStubs.stopOnItsHost(instance.instanceId(), instance.hostId());
    if (failure == null) {
      return true;
    }
    records.recordFailed(instance.instanceId(), "not stopped: " + Failures.rootMessage(failure));
    placement.release(instance.instanceId());
    return false;
  }

  @Override
  public String phase() {
    return phase;
  }
}
