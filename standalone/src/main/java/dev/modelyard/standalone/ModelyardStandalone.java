package dev.modelyard.standalone;

import dev.modelyard.api.ApiConfiguration;
import dev.modelyard.workers.WorkersConfiguration;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * Modelyard in one JVM: the API, the workers, and embedded stand-ins for every service that is not
 * configured. What {@code make run} starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({EmbeddedServicesConfiguration.class, ApiConfiguration.class, WorkersConfiguration.class})
public class ModelyardStandalone {

  public static void main(String[] args) {
    application().run(args);
  }

  /**
   * The application with the launcher's defaults: it listens on loopback only, as its embedded
   * PostgreSQL and Temporal do; {@code SERVER_ADDRESS=0.0.0.0} serves other machines too.
   */
  static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ModelyardStandalone.class)
        .properties(Map.of("server.address", "127.0.0.1"));
  }
}
