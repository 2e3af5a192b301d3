package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class RegisterEndpointWorkflowImpl implements RegisterEndpointWorkflow {

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
  private final EndpointActivities endpoints =
      Workflow.newActivityStub(
          EndpointActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(60))
              // A server that is still starting gets a minute or so; then the user hears why.
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(10))
                      .setMaximumAttempts(6)
                      .build())
              .build());

  @Override
  public LoadModelResult register(RegisterEndpointRequest request) {
    endpoints.probeEndpoint(request.baseUrl(), request.model().name());
    RegisteredModel model =
        models.registerModel(
            new RegisterModel(
                request.model(),
                null,
                new ModelFileFacts(request.baseUrl(), 0, null, "openai", null, 0, null, 0)));
    InstanceView serving = instances.findReadyInstance(model.modelId());
    if (serving != null && request.baseUrl().equals(serving.endpoint())) {
      return new LoadModelResult(serving.instanceId(), serving.endpoint(), EXTERNAL_HOST, true);
    }
    String instanceId = Workflow.randomUUID().toString();
    instances.recordStarting(
        new NewInstance(instanceId, model.modelId(), EXTERNAL_HOST, ResourceRequirements.DEFAULTS));
    instances.recordReady(new StartedInstance(instanceId, request.baseUrl()));
    return new LoadModelResult(instanceId, request.baseUrl(), EXTERNAL_HOST, false);
  }
}
