package dev.modelyard.api.gateway;

import dev.modelyard.infra.registry.RoutableInstance;

/**
 * The model a generation request was routed to first, left on the HTTP request (under {@link
 * #ATTRIBUTE}) before it is served, then replaced by the one that answered, so that a request that
 * fails before its {@link GenerationOutcome} is left counts under that model in the metrics and the
 * audit log rather than under none. It is always one the router routes to, never a name a client
 * made up: the meters it labels stay as few as the models served.
 */
public record PlannedModel(String model, String provider) {

  public static final String ATTRIBUTE = PlannedModel.class.getName();

  /**
   * The model and provider a finished request is counted under: what answered when it was served,
   * else what it was routed to; null when it failed before a model was chosen.
   */
  public static PlannedModel answering(GenerationOutcome outcome, PlannedModel planned) {
    return outcome != null ? new PlannedModel(outcome.model(), outcome.provider()) : planned;
  }

  static PlannedModel of(RoutableInstance instance) {
    return new PlannedModel(instance.modelName(), instance.provider());
  }

  static PlannedModel of(Router.Step step) {
    return switch (step) {
      case Router.Step.Local local ->
          new PlannedModel(local.model(), local.candidates().getFirst().instance().provider());
      case Router.Step.Cloud cloud -> new PlannedModel(cloud.model(), cloud.provider());
    };
  }
}
