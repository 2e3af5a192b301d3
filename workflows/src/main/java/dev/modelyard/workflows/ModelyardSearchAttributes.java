package dev.modelyard.workflows;

import dev.modelyard.workflows.models.ModelRef;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;

/**
 * The search attributes every lifecycle workflow carries, so that tasks can be filtered by
 * operation, provider and model in Temporal's Web UI and in the tasks API.
 */
public final class ModelyardSearchAttributes {

  public static final SearchAttributeKey<String> OPERATION =
      SearchAttributeKey.forKeyword("ModelyardOperation");
  public static final SearchAttributeKey<String> PROVIDER =
      SearchAttributeKey.forKeyword("ModelyardProvider");
  public static final SearchAttributeKey<String> MODEL =
      SearchAttributeKey.forKeyword("ModelyardModel");

  /** Every key, for registering them on a Temporal server that lacks them. */
  public static final List<SearchAttributeKey<String>> ALL = List.of(OPERATION, PROVIDER, MODEL);

  private ModelyardSearchAttributes() {}

  /** A task of no one model (stopping an instance, discovering models): listed as a task. */
  public static SearchAttributes of(String operation) {
    return SearchAttributes.newBuilder().set(OPERATION, operation).build();
  }

  public static SearchAttributes of(String operation, ModelRef model) {
    return SearchAttributes.newBuilder()
        .set(OPERATION, operation)
        .set(PROVIDER, model.provider().wireName())
        .set(MODEL, model.name())
        .build();
  }
}
