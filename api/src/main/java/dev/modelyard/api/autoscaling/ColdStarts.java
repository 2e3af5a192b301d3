package dev.modelyard.api.autoscaling;

import java.time.Duration;

/**
 * Bringing a model back from zero for a request. The gateway calls this when it finds no ready
 * instance for the model a request names: if a deployment of that model is autoscaled, it is woken
 * (to its first replica) and the call waits until an instance is routable. The one place where a
 * generation waits on Temporal and PostgreSQL, and only for a model that has no instance at all.
 */
public interface ColdStarts {

  /**
   * As {@link #awaitInstance(String, String, Duration)} with the configured timeout ({@code
   * modelyard.autoscaling.cold-start-timeout}, 2 minutes by default).
   */
  boolean awaitInstance(String provider, String modelName);

  /**
   * Wakes the model's autoscaled deployment and waits for an instance.
   *
   * @param provider the provider the request prefers, or null for any
   * @return true once the registry has a routable instance of the model (the gateway should then
   *     refresh its routing table and plan again); false when no deployment of the model is
   *     autoscaled, so there is nothing to wait for
   * @throws dev.modelyard.api.errors.UnavailableException when no instance was ready within {@code
   *     timeout} (a 503 that says the model is starting from zero), or Temporal cannot be reached
   */
  boolean awaitInstance(String provider, String modelName, Duration timeout);

  /**
   * Wakes the model's autoscaled deployment, if it has one, without waiting: for a request that a
   * fallback serves meanwhile, so that the model itself comes back for those that follow. At most
   * one wake per model every few seconds, whatever the number of requests; failures are logged.
   */
  void wakeInBackground(String provider, String modelName);

  /**
   * Whether a model of that name is registered at all (of that provider, if one is given): asked
   * only when a request names a model that no instance serves, to tell "not loaded" from "no such
   * model".
   */
  boolean isRegistered(String provider, String modelName);
}
