package dev.modelyard.workflows;

import dev.modelyard.workflows.deployments.InstanceRegistryActivities;
import dev.modelyard.workflows.deployments.InstanceView;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import io.temporal.failure.ApplicationFailure;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory registry for workflow tests: these tests prove the workflows' decisions, while the
 * PostgreSQL registry has its own tests against the real database.
 */
public class FakeRegistry implements ModelRegistryActivities, InstanceRegistryActivities {

  public final Map<ModelRef, RegisteredModel> models = new ConcurrentHashMap<>();
  public final Map<String, String> instanceStates = new ConcurrentHashMap<>();
  public final Map<String, InstanceView> instances = new ConcurrentHashMap<>();

  /** What each instance was recorded as starting with, as a restart reads it back. */
  public final Map<String, NewInstance> recorded = new ConcurrentHashMap<>();

  private final Map<String, Long> startedOrder = new ConcurrentHashMap<>();
  private final AtomicLong started = new AtomicLong();

  private final String host;

  public FakeRegistry(String host) {
    this.host = host;
  }

  @Override
  public String chooseHost() {
    return host;
  }

  @Override
  public RegisteredModel registerModel(RegisterModel request) {
    RegisteredModel existing = models.get(request.model());
    // Registered again, a model keeps its ID, as the real registry's upsert does.
    RegisteredModel model =
        new RegisteredModel(
            existing != null ? existing.modelId() : "model-" + (models.size() + 1),
            request.model(),
            request.file().path(),
            request.hostId());
    models.put(request.model(), model);
    return model;
  }

  @Override
  public RegisteredModel findModel(ModelRef model) {
    RegisteredModel found = models.get(model);
    if (found == null) {
      throw ApplicationFailure.newNonRetryableFailure("not registered: " + model, MODEL_NOT_FOUND);
    }
    return found;
  }

  @Override
  public InstanceView findReadyInstance(String modelId) {
    return instances.values().stream()
        .filter(i -> i.modelId().equals(modelId))
        .filter(i -> "ready".equals(instanceStates.get(i.instanceId())))
        .min(oldestFirst())
        .orElse(null);
  }

  /** As the real registry orders instances: by when they started; put in by a test, first. */
  private Comparator<InstanceView> oldestFirst() {
    return Comparator.comparing(i -> startedOrder.getOrDefault(i.instanceId(), 0L));
  }

  @Override
  public List<InstanceView> findActiveInstances(String modelId) {
    return instances.values().stream()
        .filter(i -> i.modelId().equals(modelId))
        .filter(
            i ->
                List.of("starting", "ready", "unhealthy")
                    .contains(instanceStates.get(i.instanceId())))
        .sorted(oldestFirst())
        .toList();
  }

  @Override
  public void recordStopping(String instanceId) {
    instanceStates.put(instanceId, "stopping");
  }

  /** Instances used since an idle cleanup looked: they are not stopped as idle. */
  public final Set<String> usedSince = ConcurrentHashMap.newKeySet();

  @Override
  public boolean recordStoppingIfIdle(String instanceId, long idleTtlMillis) {
    String state = instanceStates.get(instanceId);
    boolean idle =
        "stopping".equals(state)
            || (List.of("ready", "unhealthy").contains(state) && !usedSince.contains(instanceId));
    if (idle) {
      instanceStates.put(instanceId, "stopping");
    }
    return idle;
  }

  @Override
  public void recordStopped(String instanceId) {
    instanceStates.put(instanceId, "stopped");
  }

  @Override
  public void recordStarting(NewInstance instance) {
    startedOrder.putIfAbsent(instance.instanceId(), started.incrementAndGet());
    recorded.put(instance.instanceId(), instance);
    instances.put(
        instance.instanceId(),
        new InstanceView(instance.instanceId(), instance.modelId(), instance.hostId(), null));
    instanceStates.put(instance.instanceId(), "starting");
  }

  @Override
  public void recordReady(StartedInstance instance) {
    InstanceView view = instances.get(instance.instanceId());
    instances.put(
        instance.instanceId(),
        new InstanceView(view.instanceId(), view.modelId(), view.hostId(), instance.endpoint()));
    instanceStates.put(instance.instanceId(), "ready");
  }

  @Override
  public synchronized boolean recordReadyIfStarting(StartedInstance instance) {
    if (!"starting".equals(instanceStates.get(instance.instanceId()))) {
      return false;
    }
    recordReady(instance);
    return true;
  }

  @Override
  public void recordFailed(String instanceId, String reason) {
    instanceStates.put(instanceId, "failed");
  }
}
