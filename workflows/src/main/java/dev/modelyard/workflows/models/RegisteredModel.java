package dev.modelyard.workflows.models;

/**
 * A model the registry knows: where its files are and on which host; no host for a model registered
 * by the URL of a server that runs elsewhere.
 */
public record RegisteredModel(String modelId, ModelRef model, String location, String hostId) {

  /** Whether Modelyard can start instances of it: only on the host that has its files. */
  public boolean startable() {
    return hostId != null;
  }

  /** Why an instance of it cannot be started, for a model that is not {@link #startable()}. */
  public String whyNotStartable() {
    return model.name()
        + " is served at a URL registered with Modelyard, not run by one of its hosts: an instance"
        + " of it cannot be started; register the URL again once its server answers";
  }
}
