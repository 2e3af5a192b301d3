package dev.modelyard.workflows.models;

import io.temporal.activity.ActivityInterface;

/** The registry's side of the lifecycle: which models and instances exist, and their states. */
@ActivityInterface
public interface ModelRegistryActivities {

  /** Failure type thrown when a named model is not in the registry; never retried. */
  String MODEL_NOT_FOUND = "ModelNotFound";

  /** Picks the host for work that is not pinned to one. */
  String chooseHost();

  RegisteredModel registerModel(RegisterModel request);

  RegisteredModel findModel(ModelRef model);
}
