package dev.modelyard.workflows.autoscaling;

import dev.modelyard.workflows.models.ModelRef;
import java.time.Duration;
import java.util.Objects;

/** The load of {@code model} over the last {@code window}. */
public record LoadQuery(ModelRef model, Duration window) {

  public LoadQuery {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(window, "window");
  }
}
