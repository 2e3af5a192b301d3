package dev.modelyard.infra.containers;

/**
 * The label namespace that marks containers Modelyard started, so that it can find (and clean up)
 * its own containers on a Docker host it shares with others.
 */
public final class ContainerLabels {

  public static final String PREFIX = "modelyard.";

  /** Set to {@code "true"} on every container Modelyard starts. */
  public static final String MANAGED = PREFIX + "managed";

  private ContainerLabels() {}
}
