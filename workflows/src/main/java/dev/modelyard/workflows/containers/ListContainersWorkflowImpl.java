package dev.modelyard.workflows.containers;

import dev.modelyard.workflows.containers.ContainerListing.HostUnreachable;
import dev.modelyard.workflows.deployments.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class ListContainersWorkflowImpl implements ListContainersWorkflow {

  @Override
  public ContainerListing list(ListContainersRequest request) {
    // All hosts at once: a dead host costs its pickup timeout once, not once per host.
    Map<String, Promise<List<ContainerView>>> asked = new LinkedHashMap<>();
    for (String hostId : request.hostIds()) {
      asked.put(
          hostId,
          Async.function(
              ContainerActivityStubs.on(hostId, request.answerWithin())::listContainers));
    }
    List<ContainerView> containers = new ArrayList<>();
    List<HostUnreachable> unreachable = new ArrayList<>();
    asked.forEach(
        (hostId, answer) -> {
          try {
            containers.addAll(answer.get());
          } catch (ActivityFailure failure) {
            unreachable.add(new HostUnreachable(hostId, Failures.rootMessage(failure)));
          }
        });
    return new ContainerListing(containers, unreachable);
  }
}
