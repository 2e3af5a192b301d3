package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.util.Objects;

public record LoadModelRequest(ModelRef model, ResourceRequirements resources) {

  public LoadModelRequest {
    Objects.requireNonNull(model, "model");
    resources = resources == null ? ResourceRequirements.DEFAULTS : resources;
  }
}
