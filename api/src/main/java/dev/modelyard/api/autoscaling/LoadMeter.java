package dev.modelyard.api.autoscaling;

/**
 * What the gateway tells autoscaling about each call it makes to a model's instance: when it
 * started and when it ended, success or not. From these the API publishes each model's load (calls
 * in flight, requests, latency percentiles) for the deployments' autoscalers to read.
 *
 * <p>The gateway calls {@link #started} as a call takes its instance's bulkhead permit and {@link
 * Call#finished} once as it gives the permit back, streams included. Both are cheap enough for the
 * request path: a short lock per model, no I/O.
 */
public interface LoadMeter {

  /** A call to an instance of this model (the registry's provider wire name and model name). */
  Call started(String provider, String modelName);

  /** One call in flight. */
  interface Call {

    /** Ends the call; a second call of this is ignored. */
    void finished();
  }
}
