package dev.modelyard.workflows.models;

import java.util.Objects;

/**
 * What to pull. {@code location} is provider-specific (a file path for {@code local_gguf}); {@code
 * hostId} pins the work to one host and may be null to let the registry choose.
 */
public record PullModelRequest(ModelRef model, String location, int priority, String hostId) {

  public PullModelRequest {
    Objects.requireNonNull(model, "model");
  }
}
