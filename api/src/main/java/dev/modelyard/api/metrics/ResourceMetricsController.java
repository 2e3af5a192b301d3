package dev.modelyard.api.metrics;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.settings.DataDirSettings;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * This host's CPU, memory and disk, and every instance the registry holds that is not stopped or
 * failed, with the host it runs on and its health. GPUs have their own report ({@code
 * /metrics/gpu}).
 */
@RestController
class ResourceMetricsController {

  private final HostResources host;
  private final ModelRegistry registry;

  ResourceMetricsController(DataDirSettings dataDir, ModelRegistry registry) {
    this.host = new HostResources(dataDir.dataDir());
    this.registry = registry;
  }

  @GetMapping("/api/v1/local-llm/metrics/resources")
  ResourceReport resources() {
    List<InstanceRow> instances =
        registry.listModels().stream()
            .flatMap(
                model ->
                    model.instances().stream()
                        .map(
                            instance ->
                                new InstanceRow(
                                    instance.instanceId(),
                                    model.name(),
                                    model.provider(),
                                    instance.hostId(),
                                    instance.endpoint(),
                                    instance.state(),
                                    instance.healthScore(),
                                    instance.startedAt())))
            .toList();
    return new ResourceReport(host.cpu(), host.memory(), host.disk(), instances);
  }

  record ResourceReport(
      HostResources.Cpu cpu,
      HostResources.Memory memory,
      HostResources.Disk disk,
      List<InstanceRow> instances) {}

  record InstanceRow(
      String instanceId,
      String model,
      String provider,
      String hostId,
      String endpoint,
      String state,
      int healthScore,
      Instant startedAt) {}
}
