package dev.modelyard.infra.registry;

import dev.modelyard.infra.runtime.ModelServer;
import java.util.Set;

/**
 * What a host's model runtime can do, as its worker records it at start, so that the API refuses at
 * once what that host cannot run rather than failing its task later.
 *
 * @param modelServers the server programs it runs; every runtime runs the engine runner
 * @param runsContainers whether each instance runs in a container of its own
 */
public record HostRuntime(Set<ModelServer> modelServers, boolean runsContainers) {

  public HostRuntime {
    modelServers = Set.copyOf(modelServers);
  }
}
