package dev.modelyard.workflows.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerWorkflowsTests {

  private static final ContainerView RUNNING =
      new ContainerView(
          "abc123def456aa",
          "modelyard-i-1",
          "host-a",
          "i-1",
          "model-1",
          null,
          "127.0.0.1:5000/modelyard/engine-runner:x",
          "running",
          "http://127.0.0.1:41000");

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(
        ListContainersWorkflowImpl.class, ContainerLogsWorkflowImpl.class);
    env.newWorker(TaskQueues.host("host-a")).registerActivitiesImplementations(new FakeHost());
    env.newWorker(TaskQueues.host("host-slow"))
        .registerActivitiesImplementations(new FakeHost(Duration.ofSeconds(3)));
    // host-b has no worker: it was seen once and has gone since.
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void listsTheContainersOfEveryHostThatAnswersAndNamesTheOnesThatDoNot() {
    ContainerListing listing =
        workflow(ListContainersWorkflow.class, "containers-list:1")
            .list(new ListContainersRequest(List.of("host-a", "host-b")));

    assertThat(listing.containers()).containsExactly(RUNNING);
    assertThat(listing.unreachable())
        .singleElement()
        .satisfies(host -> assertThat(host.hostId()).isEqualTo("host-b"));
  }

  @Test
  void aHostThatTakesTheTaskButDoesNotAnswerInTimeIsReportedUnreachable() {
    // Its worker is there, its Docker engine is not answering.
    ContainerListing listing =
        workflow(ListContainersWorkflow.class, "containers-list:2")
            .list(new ListContainersRequest(List.of("host-a", "host-slow"), Duration.ofSeconds(1)));

    assertThat(listing.containers()).containsExactly(RUNNING);
    assertThat(listing.unreachable())
        .singleElement()
        .satisfies(host -> assertThat(host.hostId()).isEqualTo("host-slow"));
  }

  @Test
  void readsLogsOnTheHostThatRunsTheContainer() {
    ContainerLogs logs =
        workflow(ContainerLogsWorkflow.class, "containers-logs:1")
            .logs(new ContainerLogsRequest("host-a", "abc123def456", 2));

    assertThat(logs.lines()).containsExactly("LISTENING 41000", "served 1 request");
  }

  @Test
  void anUnknownContainerFailsAsNotFound() {
    assertThatThrownBy(
            () ->
                workflow(ContainerLogsWorkflow.class, "containers-logs:2")
                    .logs(new ContainerLogsRequest("host-a", "ffffffffffff", 5)))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure ->
                assertThat(failure.getType())
                    .isEqualTo(ContainerHostActivities.CONTAINER_NOT_FOUND));
  }

  private <T> T workflow(Class<T> type, String id) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            type,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.RUNTIME)
                .build());
  }

  private static final class FakeHost implements ContainerHostActivities {

    private final Duration answersAfter;

    FakeHost() {
      this(Duration.ZERO);
    }

    FakeHost(Duration answersAfter) {
      this.answersAfter = answersAfter;
    }

    @Override
    public List<ContainerView> listContainers() {
      try {
        Thread.sleep(answersAfter);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return List.of(RUNNING);
    }

    @Override
    public ContainerLogs containerLogs(ContainerLogsRequest request) {
      if (!RUNNING.containerId().startsWith(request.containerId())) {
        throw ApplicationFailure.newNonRetryableFailure("no such container", CONTAINER_NOT_FOUND);
      }
      List<String> all = List.of("starting", "LISTENING 41000", "served 1 request");
      return new ContainerLogs(
          RUNNING.containerId(),
          "host-a",
          all.subList(Math.max(0, all.size() - request.tail()), all.size()));
    }
  }
}
