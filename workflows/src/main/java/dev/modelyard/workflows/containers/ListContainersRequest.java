package dev.modelyard.workflows.containers;

import java.time.Duration;
import java.util.List;

/**
 * The hosts whose containers to list: every host the registry knows, as the caller read it.
 *
 * @param answerWithin how long each host has to answer, pickup included, so that one slow Docker
 *     engine is reported unreachable before the caller stops waiting for the whole listing; null:
 *     {@link ContainerActivityStubs}' own bounds
 */
public record ListContainersRequest(List<String> hostIds, Duration answerWithin) {

  public ListContainersRequest {
    hostIds = List.copyOf(hostIds);
  }

  public ListContainersRequest(List<String> hostIds) {
    this(hostIds, null);
  }
}
