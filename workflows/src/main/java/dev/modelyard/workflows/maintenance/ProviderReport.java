package dev.modelyard.workflows.maintenance;

import java.util.List;

/**
 * What one provider reported: its models and loaded instances, or why it could not be asked.
 *
 * @param source e.g. {@code ollama}, {@code tgi}, {@code model-store@host}
 * @param reached false when the provider is configured but did not answer; its instances are then
 *     left as they are rather than taken for stopped
 * @param problem why it was not reached, or null
 */
public record ProviderReport(
    String source,
    boolean reached,
    List<ModelEntry> models,
    List<DiscoveredInstance> instances,
    String problem) {

  public ProviderReport {
    models = models == null ? List.of() : List.copyOf(models);
    instances = instances == null ? List.of() : List.copyOf(instances);
  }

  public static ProviderReport notConfigured(String source) {
    return new ProviderReport(source, false, List.of(), List.of(), null);
  }

  public static ProviderReport unreachable(String source, String problem) {
    return new ProviderReport(source, false, List.of(), List.of(), problem);
  }
}
