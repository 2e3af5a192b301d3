package dev.modelyard.workflows.containers;

import java.util.List;

/** The hosts whose containers to list: every host the registry knows, as the caller read it. */
public record ListContainersRequest(List<String> hostIds) {

  public ListContainersRequest {
    hostIds = List.copyOf(hostIds);
  }
}
