package dev.modelyard.workflows.health;

import io.temporal.activity.ActivityInterface;

/** Probes instances over HTTP; runs on the health queue. */
@ActivityInterface
public interface InstanceProbeActivities {

  /**
   * Checks {@code GET /health}, then asks for a one-token generation. Never fails for the
   * instance's sake: what the instance did is the result, whatever it was.
   */
  ProbeResult probe(ProbeRequest request);
}
