package dev.modelyard.workflows.maintenance;

import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.health.InstanceOwners;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What cleanup removes, decided from facts and a time: pure functions, tested without Temporal. */
public final class CleanupDecisions {

  private CleanupDecisions() {}

  /**
   * Models to unload: every instance of the model idle longer than {@code ttl}. A model with an
   * instance still starting is being loaded; one with an instance on a server someone else runs
   * (Ollama's own loaded models, registered endpoints) is not ours to stop.
   */
  public static List<ModelRef> idleModels(
      Collection<ActiveInstance> instances, long nowMillis, Duration ttl) {
    Map<String, List<ActiveInstance>> byModel = new LinkedHashMap<>();
    for (ActiveInstance instance : instances) {
      byModel
          .computeIfAbsent(instance.provider() + "/" + instance.modelName(), k -> new ArrayList<>())
          .add(instance);
    }
    long cutoff = nowMillis - ttl.toMillis();
    List<ModelRef> idle = new ArrayList<>();
    for (List<ActiveInstance> ofModel : byModel.values()) {
      boolean allIdle =
          ofModel.stream()
              .allMatch(
                  i ->
                      !i.starting()
                          && !RegisterEndpointWorkflow.EXTERNAL_HOST.equals(i.hostId())
                          && i.lastUsedAtMillis() < cutoff);
      ActiveInstance first = ofModel.getFirst();
      Optional<Provider> provider = Provider.fromWireName(first.provider());
      if (allIdle && provider.isPresent()) {
        idle.add(new ModelRef(provider.get(), first.modelName()));
      }
    }
    return idle;
  }

  /** Instances still starting, unchanged for longer than {@code grace}. */
  public static List<ActiveInstance> startingTooLong(
      Collection<ActiveInstance> instances, long nowMillis, Duration grace) {
    long cutoff = nowMillis - grace.toMillis();
    return instances.stream().filter(i -> i.starting() && i.updatedAtMillis() < cutoff).toList();
  }

  /** The workflows that may own a starting instance ({@link InstanceOwners}). */
  public static List<String> possibleOwners(ActiveInstance instance) {
    return InstanceOwners.of(instance.provider(), instance.modelName(), instance.instanceId());
  }

  /** Partial files not written to for longer than {@code grace}. */
  public static List<PartialFile> partialsPastGrace(
      Collection<PartialFile> files, long nowMillis, Duration grace) {
    long cutoff = nowMillis - grace.toMillis();
    return files.stream().filter(f -> f.modifiedAtMillis() < cutoff).toList();
  }

  /** Of the stale files, those no running pull owns. */
  public static List<PartialFile> unowned(
      Collection<PartialFile> files, Collection<String> runningWorkflowIds) {
    return files.stream()
        .filter(f -> f.pullWorkflowId() == null || !runningWorkflowIds.contains(f.pullWorkflowId()))
        .toList();
  }
}
