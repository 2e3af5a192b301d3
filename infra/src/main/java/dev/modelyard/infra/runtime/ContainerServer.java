package dev.modelyard.infra.runtime;

import dev.modelyard.infra.containers.ContainerMount;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * How one server program runs in a container of the {@link DockerRuntime}: its image and what it is
 * started with. Labels, limits, GPUs and the network are the runtime's, the same for every server.
 */
interface ContainerServer {

  String image();

  /**
   * The arguments after the image's entry point, for a server listening on {@code host} (an IP
   * address: MODELYARD_INSTANCE_ADDRESS) at {@code port}.
   */
  List<String> command(InstanceSpec spec, String host, int port);

  Map<String, String> env(InstanceSpec spec, String host, int port);

  List<ContainerMount> mounts(InstanceSpec spec);

  /** The path that answers 200 once the server is up; also what Docker's health check asks. */
  String healthPath();

  /** The health check's program, without a shell; the image must have it. */
  List<String> healthCommand(URI url);

  /**
   * What must happen once the server answers and before the instance serves, such as fetching the
   * model into a server that starts without one.
   */
  default void prepare(InstanceSpec spec, URI endpoint) {}
}
