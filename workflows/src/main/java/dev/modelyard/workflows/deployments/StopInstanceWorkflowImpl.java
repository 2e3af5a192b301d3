package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

public class StopInstanceWorkflowImpl implements StopInstanceWorkflow {

  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
  private final PlacementActivities placement =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RELEASE);

  private String phase = "starting";

  private final InstanceRegistryActivities instancesUntilAnswered =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);

  @Override
  public StopInstanceResult stop(StopInstanceRequest request) {
    if (Workflow.getVersion(UnloadModelWorkflowImpl.CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return stop(request, instances);
    }
    // Once begun, the stop runs to its end whatever the workflow is told meanwhile: a cancel
    // halfway left the instance in stopping, holding its memory's reservation for good.
    StopInstanceResult[] result = {null};
    Workflow.newDetachedCancellationScope(() -> result[0] = stop(request, instancesUntilAnswered))
        .run();
    return result[0];
  }

  private StopInstanceResult stop(StopInstanceRequest request, InstanceRegistryActivities records) {
    String instanceId = request.instanceId();
    // Marked first, so that the gateway stops routing to it before it goes away.
    phase = "stopping";
    instances.recordStopping(instanceId);
    if (Workflow.getVersion(
            UnloadModelWorkflowImpl.STOP_FAILURES_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      HostActivityStubs.stopping(instanceId, request.hostId()).stopInstance(instanceId);
    } else {
      ActivityFailure failure = HostActivityStubs.stopOnItsHost(instanceId, request.hostId());
      if (failure != null) {
        // Not left in stopping, where nothing looks again and its memory stays reserved.
        phase = "failed";
        records.recordFailed(instanceId, "not stopped: " + Failures.rootMessage(failure));
        placement.release(instanceId);
        throw failure;
      }
    }
    records.recordStopped(instanceId);
    // Only once it is stopped: its memory is in use until then.
    phase = "releasing";
    placement.release(instanceId);
    phase = "done";
    return new StopInstanceResult(instanceId, request.hostId());
  }

  @Override
  public String phase() {
    return phase;
  }
}
