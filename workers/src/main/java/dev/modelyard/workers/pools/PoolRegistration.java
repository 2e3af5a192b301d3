package dev.modelyard.workers.pools;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.worker.Worker;
import java.util.List;

/**
 * What one capability runs on one pool: workflow types and activity implementations. Each
 * capability declares its registrations as beans; {@link WorkerPools} gathers them per queue.
 */
public record PoolRegistration(
    PoolKind kind, List<Class<?>> workflowTypes, List<Object> activities) {

  String queue(String hostId) {
    return switch (kind) {
      case PULLS -> TaskQueues.PULLS;
      case RUNTIME -> TaskQueues.RUNTIME;
      case HEALTH -> TaskQueues.HEALTH;
      case MAINTENANCE -> TaskQueues.MAINTENANCE;
      case HOST -> TaskQueues.host(hostId);
      case TRANSFERS -> TaskQueues.transfers(hostId);
      case STOPS -> TaskQueues.stops(hostId);
    };
  }

  void register(Worker worker) {
    if (!workflowTypes.isEmpty()) {
      worker.registerWorkflowImplementationTypes(workflowTypes.toArray(Class<?>[]::new));
    }
    if (!activities.isEmpty()) {
      worker.registerActivitiesImplementations(activities.toArray());
    }
  }
}
