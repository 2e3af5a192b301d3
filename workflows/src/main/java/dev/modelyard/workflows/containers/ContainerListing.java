package dev.modelyard.workflows.containers;

import java.util.List;

/**
 * The containers of every host that answered, and the hosts that did not (a stopped worker), so
 * that a short list is never mistaken for a complete one.
 */
public record ContainerListing(List<ContainerView> containers, List<HostUnreachable> unreachable) {

  public ContainerListing {
    containers = List.copyOf(containers);
    unreachable = List.copyOf(unreachable);
  }

  public record HostUnreachable(String hostId, String reason) {}
}
