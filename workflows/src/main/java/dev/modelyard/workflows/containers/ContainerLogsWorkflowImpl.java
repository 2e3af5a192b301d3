package dev.modelyard.workflows.containers;

public class ContainerLogsWorkflowImpl implements ContainerLogsWorkflow {

  @Override
  public ContainerLogs logs(ContainerLogsRequest request) {
    return ContainerActivityStubs.on(request.hostId(), request.answerWithin())
        .containerLogs(request);
  }
}
