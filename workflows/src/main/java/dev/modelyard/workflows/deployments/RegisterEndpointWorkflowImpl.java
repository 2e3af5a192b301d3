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

  /**
   * Registrations that find the model's instance at this URL among all its active ones, and mark it
   * ready again (the probe has just had an answer from it). Before, only the first ready instance
   * was compared: a URL registered second was added again at each registration, and took a larger
   * share of the traffic each time, and an unhealthy one was added beside itself.
   */
  static final String ANY_INSTANCE_AT_URL_CHANGE = "register-finds-any-instance-at-its-url";

  @Override
  public LoadModelResult register(RegisterEndpointRequest request) {
    endpoints.probeEndpoint(request.baseUrl(), request.model().name());
    RegisteredModel model =
        models.registerModel(
            new RegisterModel(
                request.model(),
                null,
                new ModelFileFacts(request.baseUrl(), 0, null, "openai", null, 0, null, 0)));
    if (Workflow.getVersion(ANY_INSTANCE_AT_URL_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      InstanceView serving = instances.findReadyInstance(model.modelId());
      if (serving != null && request.baseUrl().equals(serving.endpoint())) {
        return new LoadModelResult(serving.instanceId(), serving.endpoint(), EXTERNAL_HOST, true);
      }
    } else {
      for (InstanceView active : instances.findActiveInstances(model.modelId())) {
        if (EXTERNAL_HOST.equals(active.hostId()) && request.baseUrl().equals(active.endpoint())) {
          instances.recordReady(new StartedInstance(active.instanceId(), active.endpoint()));
          return new LoadModelResult(active.instanceId(), active.endpoint(), EXTERNAL_HOST, true);
        }
      }
    }
    String instanceId = Workflow.randomUUID().toString();
    instances.recordStarting(
        new NewInstance(instanceId, model.modelId(), EXTERNAL_HOST, ResourceRequirements.DEFAULTS));
    instances.recordReady(new StartedInstance(instanceId, request.baseUrl()));
    return new LoadModelResult(instanceId, request.baseUrl(), EXTERNAL_HOST, false);
  }
}
