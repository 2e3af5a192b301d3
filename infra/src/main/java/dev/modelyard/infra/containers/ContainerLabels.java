package dev.modelyard.infra.containers;

/**
 * The label namespace that marks containers Modelyard started, so that it can find (and clean up)
 * its own containers on a Docker host it shares with others.
 */
public final class ContainerLabels {

  public static final String PREFIX = "modelyard.";

  /** Set to {@code "true"} on every container Modelyard starts. */
  public static final String MANAGED = PREFIX + "managed";

  /** The model a container serves (its registry ID). */
  public static final String MODEL = PREFIX + "model";

  /** The model instance a container is, as the registry names it. */
  public static final String INSTANCE = PREFIX + "instance";

  /** The deployment the instance belongs to, when it belongs to one. */
  public static final String DEPLOYMENT = PREFIX + "deployment";

  /** The host whose worker runs the container, so that workers sharing an engine keep apart. */
  public static final String HOST = PREFIX + "host";

  /** The port the server in the container listens on (host network), to find it again. */
  public static final String PORT = PREFIX + "port";

  private ContainerLabels() {}
}
