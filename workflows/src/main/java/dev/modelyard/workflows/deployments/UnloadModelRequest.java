package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.util.Objects;

public record UnloadModelRequest(ModelRef model) {

  public UnloadModelRequest {
    Objects.requireNonNull(model, "model");
  }
}
