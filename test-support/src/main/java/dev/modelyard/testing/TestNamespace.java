package dev.modelyard.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.DeleteNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

/**
 * A Temporal namespace of one test class on the shared dev server. A task queue is shared by every
 * worker that polls it in a namespace, so a namespace of its own is what keeps another test's
 * workers (with their own database schema and model store) from running this test's activities.
 */
public final class TestNamespace {

  private TestNamespace() {}

  public static void create(String namespace) {
    WorkflowServiceStubs stubs = stubs();
    try {
      stubs
          .blockingStub()
          .registerNamespace(
              RegisterNamespaceRequest.newBuilder()
                  .setNamespace(namespace)
                  .setWorkflowExecutionRetentionPeriod(
                      com.google.protobuf.Duration.newBuilder().setSeconds(86_400))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  public static void delete(String namespace) {
    WorkflowServiceStubs stubs = stubs();
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(stubs.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      operator
          .blockingStub()
          .deleteNamespace(DeleteNamespaceRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    } finally {
      operator.shutdownNow();
      stubs.shutdownNow();
    }
  }

  private static WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(TestServices.get("TEMPORAL_ADDRESS"))
            .build());
  }
}
