package dev.modelyard.standalone;

import dev.modelyard.api.ApiConfiguration;
import dev.modelyard.workers.WorkersConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
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
    SpringApplication.run(ModelyardStandalone.class, args);
  }
}
