package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.util.Objects;

/** A running server we do not manage (vLLM, llama.cpp's server, TGI…) to route to by URL. */
public record RegisterEndpointRequest(ModelRef model, String baseUrl) {

  public RegisterEndpointRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(baseUrl, "baseUrl");
  }
}
