package dev.modelyard.workers.models;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import io.temporal.failure.ApplicationFailure;

public class ModelRegistryActivitiesImpl implements ModelRegistryActivities {

  private final ModelRegistry registry;

  public ModelRegistryActivitiesImpl(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public String chooseHost() {
    // No host yet is a passing state (workers still starting), so this one is retried.
    return registry
        .mostRecentHost()
        .orElseThrow(() -> ApplicationFailure.newFailure("no worker host registered", "NoHost"));
  }

  @Override
  public RegisteredModel registerModel(RegisterModel request) {
    return registry.registerModel(request);
  }

  @Override
  public RegisteredModel findModel(ModelRef model) {
    return registry
        .findModel(model)
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "model " + model + " is not registered; pull it first", MODEL_NOT_FOUND));
  }
}
