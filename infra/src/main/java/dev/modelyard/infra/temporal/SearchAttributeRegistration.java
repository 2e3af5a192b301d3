package dev.modelyard.infra.temporal;

import dev.modelyard.workflows.ModelyardSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the server knows Modelyard's search attributes. Embedded and dev servers start without
 * them; on a managed cluster where we may not add them, we say what to run instead. Each is added
 * on its own, since a server refuses a whole request when one of it already exists (and the
 * in-process server cannot list them).
 */
final class SearchAttributeRegistration {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistration.class);

  private SearchAttributeRegistration() {}

  static void ensure(WorkflowServiceStubs stubs, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(stubs.getRawChannel())
                .validateAndBuildWithDefaults());
    List<String> added = new ArrayList<>();
    try {
      for (var key : ModelyardSearchAttributes.ALL) {
        try {
          operator
              .blockingStub()
              .addSearchAttributes(
                  AddSearchAttributesRequest.newBuilder()
                      .setNamespace(namespace)
                      .putSearchAttributes(
                          key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                      .build());
          added.add(key.getName());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
      }
      if (!added.isEmpty()) {
        log.info("Temporal: registered search attributes {}", added);
      }
    } catch (StatusRuntimeException e) {
      log.warn(
          "Temporal: cannot register search attributes {} ({}); workflows will fail to start until"
              + " an operator runs: temporal operator search-attribute create --name <name> --type"
              + " Keyword",
          ModelyardSearchAttributes.ALL.stream().map(k -> k.getName()).toList(),
          e.getStatus());
    } finally {
      operator.shutdown();
    }
  }
}
