package dev.modelyard.workers;

import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import java.net.InetAddress;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this host runs model instances.
 *
 * @param runtime MODELYARD_RUNTIME: {@code in-process} (the default) loads instances into the
 *     worker's JVM, nothing to install; {@code local-process} gives each its own JVM, so that a
 *     crash or a {@code kill -9} takes down one instance, never the worker; {@code docker} runs
 *     each in a container of the engine-runner image ({@code modelyard.docker.runtime.*}) on the
 *     engine at DOCKER_HOST
 * @param instanceAddress MODELYARD_INSTANCE_ADDRESS: the IP address instances listen on, which is
 *     also the host of the URL registered for them; 127.0.0.1 by default, the pod's IP on
 *     Kubernetes, where the API's pods call instances directly
 * @param instancePorts MODELYARD_INSTANCE_PORTS: the ports instances may take, such as {@code
 *     20000-20999}, so that a NetworkPolicy or a firewall can name them; unset, any free port
 * @param instanceStartTimeout MODELYARD_INSTANCE_START_TIMEOUT: how long a {@code local-process}
 *     runner may take to load its model and listen (a start's activity allows 15 minutes in all)
 */
@ConfigurationProperties("modelyard")
public record RuntimeSettings(
    @DefaultValue("in-process") Kind runtime,
    @DefaultValue("127.0.0.1") String instanceAddress,
    @DefaultValue("0") String instancePorts,
    @DefaultValue("10m") Duration instanceStartTimeout) {

  public RuntimeSettings {
    if (instanceStartTimeout.isNegative() || instanceStartTimeout.isZero()) {
      throw new IllegalArgumentException(
          "MODELYARD_INSTANCE_START_TIMEOUT must be positive, was " + instanceStartTimeout);
    }
    // Fail at start-up, naming the variable, rather than at the first instance start.
    address(instanceAddress);
    ports(instancePorts);
  }

  /** Where instances listen and are registered. */
  public InstanceNetwork instanceNetwork() {
    return new InstanceNetwork(address(instanceAddress), ports(instancePorts));
  }

  /** A literal IP only: a host name would need DNS at start-up, and could name several hosts. */
  private static InetAddress address(String value) {
    InetAddress address;
    try {
      address = InetAddress.ofLiteral(value == null ? "" : value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "MODELYARD_INSTANCE_ADDRESS must be an IP address of this host such as 127.0.0.1 or the"
              + " pod's IP, was '"
              + value
              + "'");
    }
    if (address.isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "MODELYARD_INSTANCE_ADDRESS must be an address clients can be sent to, not the wildcard '"
              + value
              + "': it is registered as the instances' URL");
    }
    return address;
  }

  private static PortRange ports(String value) {
    try {
      return PortRange.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "MODELYARD_INSTANCE_PORTS must be first-last within 1-65535 such as 20000-20999, one"
              + " port, or 0 for any free port, was '"
              + value
              + "'");
    }
  }

  public enum Kind {
    IN_PROCESS,
    LOCAL_PROCESS,
    DOCKER
  }
}
