package dev.modelyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/** Checks servers that Modelyard routes to but does not run. */
@ActivityInterface
public interface EndpointActivities {

  /** Returns once the server has answered a real one-token generation for this model. */
  void probeEndpoint(String baseUrl, String modelName);
}
