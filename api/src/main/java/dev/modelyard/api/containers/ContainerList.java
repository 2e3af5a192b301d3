package dev.modelyard.api.containers;

import dev.modelyard.workflows.containers.ContainerListing.HostUnreachable;
import dev.modelyard.workflows.containers.ContainerView;
import java.util.List;

/** {@code GET /api/v1/local-llm/containers}: what every host answered, and who did not answer. */
record ContainerList(List<ContainerView> containers, List<HostUnreachable> unreachableHosts) {}
