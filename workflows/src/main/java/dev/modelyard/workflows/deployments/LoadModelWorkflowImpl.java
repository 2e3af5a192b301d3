package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

public class LoadModelWorkflowImpl implements LoadModelWorkflow {

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);

  private String phase = "starting";

  @Override
  public LoadModelResult load(LoadModelRequest request) {
    phase = "finding model";
    RegisteredModel model = models.findModel(request.model());

    InstanceView serving = instances.findReadyInstance(model.modelId());
    if (serving != null) {
      phase = "done";
      return new LoadModelResult(serving.instanceId(), serving.endpoint(), serving.hostId(), true);
    }

    String instanceId = Workflow.randomUUID().toString();
    InstanceHostActivities host = HostActivityStubs.instances(model.hostId());
    // Recorded before the start so that an instance is never running without a registry row.
    instances.recordStarting(
        new NewInstance(instanceId, model.modelId(), model.hostId(), request.resources()));
    phase = "starting instance";
    try {
      StartedInstance started =
          host.startInstance(
              new StartInstance(
                  instanceId, model.modelId(), model.location(), request.resources()));
      instances.recordReady(started);
      phase = "done";
      return new LoadModelResult(instanceId, started.endpoint(), model.hostId(), false);
    } catch (ActivityFailure failure) {
      phase = "failed";
      // Compensate in a detached scope so that even a cancelled load stops what it started.
      Workflow.newDetachedCancellationScope(
              () -> {
                host.stopInstance(instanceId);
                instances.recordFailed(instanceId, Failures.rootMessage(failure));
              })
          .run();
      throw failure;
    }
  }

  @Override
  public String phase() {
    return phase;
  }
}
