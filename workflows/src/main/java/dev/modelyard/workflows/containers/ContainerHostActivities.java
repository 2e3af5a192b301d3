package dev.modelyard.workflows.containers;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * What a host's runtime says about its containers; runs on that host's queue, so that only the
 * workers ever talk to a Docker engine. A host whose runtime runs no containers has none.
 */
@ActivityInterface
public interface ContainerHostActivities {

  /** Failure type for a container this host does not have; never retried. */
  String CONTAINER_NOT_FOUND = "ContainerNotFound";

  /** Every container this host's runtime labelled as its own, running or not. */
  List<ContainerView> listContainers();

  /**
   * The last lines of one of this host's containers.
   *
   * @throws io.temporal.failure.ApplicationFailure of type {@link #CONTAINER_NOT_FOUND}
   */
  ContainerLogs containerLogs(ContainerLogsRequest request);
}
