package dev.modelyard.api.autoscaling;

import dev.modelyard.workflows.models.ModelRef;

/** Whether the registry has an instance of a model that the gateway may route to. */
@FunctionalInterface
interface ReadyInstances {

  boolean anyRoutable(ModelRef model);
}
