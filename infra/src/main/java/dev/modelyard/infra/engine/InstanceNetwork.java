package dev.modelyard.infra.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Objects;

/**
 * Where model instances listen: the address they bind to, which is also the host of the URL
 * registered for them, and the ports they may take. One address serves both on purpose: binding the
 * very address that is advertised means a registered URL can never name an interface that nothing
 * listens on. On one machine that is loopback; on Kubernetes it is the pod's IP, which is the pod's
 * only other interface, so binding the wildcard address would add nothing but loopback.
 *
 * @param address an address of this host; not the wildcard {@code 0.0.0.0}, which no client can be
 *     sent to
 * @param ports the ports instances may listen on
 */
public record InstanceNetwork(InetAddress address, PortRange ports) {

  /** Loopback and any free port: the single-machine default. */
  public static final InstanceNetwork LOOPBACK =
      new InstanceNetwork(InetAddress.ofLiteral("127.0.0.1"), PortRange.ANY);

  public InstanceNetwork {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(ports, "ports");
    if (address.isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "an instance address must be one clients can be sent to, not the wildcard "
              + address.getHostAddress());
    }
  }

  /** Loopback with {@code ports}. */
  public static InstanceNetwork loopback(PortRange ports) {
    return new InstanceNetwork(LOOPBACK.address(), ports);
  }

  /** The URL of an instance listening on {@code port}. */
  public URI endpoint(int port) {
    String host =
        address instanceof Inet6Address
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    return URI.create("http://" + host + ":" + port);
  }
}
