package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.Provider;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry's health side in memory: these tests prove the workflows' decisions; the PostgreSQL
 * registry has its own tests against the real database.
 */
class FakeHealthRegistry implements HealthRegistryActivities, InstanceOwnerActivities {

  static final String HOST = "host-a";

  record Instance(String state, String endpoint, int score) {}

  record Event(String instanceId, long atMillis, String kind, String detail) {}

  final Map<String, Instance> instances = new ConcurrentHashMap<>();
  final List<Event> events = new CopyOnWriteArrayList<>();

  /** The deployment each instance was started for; absent for a plain load. */
  final Map<String, String> deployments = new ConcurrentHashMap<>();

  /** Servers registered as running elsewhere: no host of ours started them. */
  final Set<String> external = ConcurrentHashMap.newKeySet();

  /** Instances that have been starting for too long: listed though starting. */
  final Set<String> startingForTooLong = ConcurrentHashMap.newKeySet();

  /** The workflows Temporal says are running, and each question asked of it. */
  final Set<String> runningOwners = ConcurrentHashMap.newKeySet();

  final List<List<String>> ownerQuestions = new CopyOnWriteArrayList<>();

  /** Calls of recordRestarted that fail, as with PostgreSQL away, before one is answered. */
  final AtomicInteger recordRestartedFailures = new AtomicInteger();

  private final TestWorkflowEnvironment env;

  FakeHealthRegistry(TestWorkflowEnvironment env) {
    this.env = env;
  }

  void ready(String instanceId, String endpoint) {
    instances.put(instanceId, new Instance("ready", endpoint, 100));
  }

  String state(String instanceId) {
    return instances.get(instanceId).state();
  }

  int score(String instanceId) {
    return instances.get(instanceId).score();
  }

  List<Event> events(String kind) {
    return events.stream().filter(e -> e.kind().equals(kind)).toList();
  }

  @Override
  public List<InstanceToCheck> instancesToCheck(Duration startingTooLong) {
    return instances.entrySet().stream()
        .filter(
            e ->
                List.of("ready", "unhealthy").contains(e.getValue().state())
                    || (e.getValue().state().equals("starting")
                        && startingForTooLong.contains(e.getKey())))
        .map(
            e ->
                new InstanceToCheck(
                    e.getKey(),
                    "tiny",
                    external.contains(e.getKey()) ? RegisterEndpointWorkflow.EXTERNAL_HOST : HOST,
                    e.getValue().endpoint(),
                    e.getValue().state(),
                    Provider.LOCAL_GGUF.wireName()))
        .sorted(Comparator.comparing(InstanceToCheck::instanceId))
        .toList();
  }

  @Override
  public void recordHealth(List<HealthRecord> records) {
    for (HealthRecord record : records) {
      instances.computeIfPresent(
          record.instanceId(),
          (id, old) -> {
            if (!List.of("ready", "unhealthy").contains(old.state())) {
              return old;
            }
            if (!old.state().equals(record.state())) {
              event(id, record.state(), record.detail());
            }
            return new Instance(record.state(), old.endpoint(), record.score());
          });
    }
  }

  @Override
  public RestartTarget restartTarget(String instanceId) {
    Instance instance = instances.get(instanceId);
    if (instance == null || List.of("stopped", "failed").contains(instance.state())) {
      return null;
    }
    return new RestartTarget(
        instanceId,
        "model-1",
        HOST,
        "/models/tiny.gguf",
        new ResourceRequirements(512, 1, 1),
        Provider.LOCAL_GGUF,
        deployments.get(instanceId));
  }

  @Override
  public boolean recordRestarting(String instanceId, String reason) {
    Instance instance = instances.get(instanceId);
    if (instance == null || List.of("stopped", "failed").contains(instance.state())) {
      return false;
    }
    instances.put(instanceId, new Instance("starting", instance.endpoint(), instance.score()));
    event(instanceId, "restart-started", reason);
    return true;
  }

  @Override
  public void recordRestartAttemptFailed(String instanceId, String detail) {
    event(instanceId, "restart-attempt-failed", detail);
  }

  @Override
  public boolean recordRestarted(String instanceId, String endpoint, String detail) {
    if (recordRestartedFailures.getAndDecrement() > 0) {
      throw new IllegalStateException("Connection to 127.0.0.1:5432 refused");
    }
    if (!"starting".equals(instances.get(instanceId).state())) {
      return false;
    }
    instances.put(instanceId, new Instance("ready", endpoint, 100));
    event(instanceId, "restarted", detail);
    return true;
  }

  @Override
  public void recordRestartFailed(String instanceId, String reason) {
    instances.computeIfPresent(instanceId, (id, old) -> new Instance("failed", old.endpoint(), 0));
    event(instanceId, "restart-failed", reason);
  }

  @Override
  public List<String> ownersRunning(List<String> workflowIds) {
    ownerQuestions.add(List.copyOf(workflowIds));
    return workflowIds.stream().filter(runningOwners::contains).toList();
  }

  private void event(String instanceId, String kind, String detail) {
    events.add(new Event(instanceId, env.currentTimeMillis(), kind, detail));
  }
}
