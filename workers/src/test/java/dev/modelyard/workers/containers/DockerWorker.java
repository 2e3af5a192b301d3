package dev.modelyard.workers.containers;

import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.TestWorkerProperties;
import dev.modelyard.workers.WorkersApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker application in this JVM with the Docker runtime on the test services' engine, in a
 * database schema and a Temporal namespace of its own, as host {@code hostId}.
 */
final class DockerWorker {

  private DockerWorker() {}

  /**
   * @param runtime the Docker runtime's own properties (images, limits), as {@code name=value}
   */
  static ConfigurableApplicationContext start(
      String schema, String namespace, String hostId, String... runtime) {
    List<String> properties = new ArrayList<>(TestWorkerProperties.of(schema, namespace, hostId));
    properties.addAll(
        List.of(
            // Other tests' workers may hold any fixed port.
            "server.port=0",
            "modelyard.runtime=docker",
            "modelyard.docker.host=" + TestServices.get("DOCKER_HOST")));
    properties.addAll(List.of(runtime));
    return new SpringApplicationBuilder(WorkersApplication.class)
        .properties(properties.toArray(String[]::new))
        .run();
  }
}
