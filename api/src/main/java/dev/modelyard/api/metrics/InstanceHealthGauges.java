package dev.modelyard.api.metrics;

import dev.modelyard.infra.registry.ModelRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/** {@code llm_model_health_score} of every routable instance, as the health loop last scored it. */
final class InstanceHealthGauges implements PolledMetrics {

  private final ModelRegistry registry;
  private final MultiGauge scores;

  InstanceHealthGauges(ModelRegistry registry, MeterRegistry meters) {
    this.registry = registry;
    this.scores =
        MultiGauge.builder("llm.model.health.score")
            .description("Health score (0-100) of each serving instance")
            .register(meters);
  }

  @Override
  public String source() {
    return "the model registry";
  }

  @Override
  public void poll() {
    scores.register(
        registry.routableInstances().stream()
            .map(
                instance ->
                    MultiGauge.Row.of(
                        Tags.of(
                            "model", instance.modelName(),
                            "provider", instance.provider(),
                            // Not "instance": Prometheus sets that to the scraped pod.
                            "instance_id", instance.instanceId()),
                        instance.healthScore()))
            .toList(),
        true);
  }
}
