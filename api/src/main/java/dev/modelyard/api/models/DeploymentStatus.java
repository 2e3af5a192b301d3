package dev.modelyard.api.models;

import dev.modelyard.infra.registry.InstanceListing;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.workflows.deployments.DeploymentState;
import java.util.List;
import java.util.Optional;

/**
 * A model's replicas: what its deployment wants and what the registry says is running. {@code
 * desired_instances} is null for a model that was never scaled (its instances come from loads).
 * With autoscaling: the policy, the reason of the latest evaluation (a hold included) and the
 * latest decisions, oldest first (every decision is also in the {@code scaling_decisions} table).
 */
record DeploymentStatus(
    String provider,
    String modelName,
    Integer desiredInstances,
    int actualInstances,
    String phase,
    String lastFailure,
    List<InstanceStatus> instances,
    AutoscalingView autoscaling,
    String lastEvaluation,
    List<AutoscalingView.Decision> scalingDecisions) {

  /** Only ready instances count as actual: starting ones cannot serve yet. */
  static final String READY = "ready";

  static DeploymentStatus of(ModelListing model, Optional<DeploymentState> deployment) {
    List<InstanceStatus> instances = model.instances().stream().map(InstanceStatus::of).toList();
    return new DeploymentStatus(
        model.provider(),
        model.name(),
        deployment.map(DeploymentState::desiredInstances).orElse(null),
        (int) instances.stream().filter(i -> READY.equals(i.state())).count(),
        deployment.map(DeploymentState::phase).orElse(null),
        deployment.map(DeploymentState::lastFailure).orElse(null),
        instances,
        deployment.map(DeploymentState::autoscaling).map(AutoscalingView::of).orElse(null),
        deployment.map(DeploymentState::lastEvaluation).orElse(null),
        deployment.map(DeploymentState::recentDecisions).orElse(List.of()).stream()
            .map(AutoscalingView.Decision::of)
            .toList());
  }

  /** The registry's view of a model whose deployment runs but did not answer: {@code why}. */
  static DeploymentStatus notAnswering(ModelListing model, String why) {
    List<InstanceStatus> instances = model.instances().stream().map(InstanceStatus::of).toList();
    return new DeploymentStatus(
        model.provider(),
        model.name(),
        null,
        (int) instances.stream().filter(i -> READY.equals(i.state())).count(),
        "not answering",
        why,
        instances,
        null,
        null,
        List.of());
  }

  record InstanceStatus(
      String instanceId, String hostId, String endpoint, String state, int healthScore) {

    static InstanceStatus of(InstanceListing instance) {
      return new InstanceStatus(
          instance.instanceId(),
          instance.hostId(),
          instance.endpoint(),
          instance.state(),
          instance.healthScore());
    }
  }

  /** Every model of one provider, for a status request without a model name. */
  record ProviderStatus(String provider, List<DeploymentStatus> models) {}
}
