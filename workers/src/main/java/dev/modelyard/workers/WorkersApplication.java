package dev.modelyard.workers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The worker process on its own: needs DATABASE_URL and TEMPORAL_ADDRESS. */
@SpringBootApplication
public class WorkersApplication {

  public static void main(String[] args) {
    SpringApplication.run(WorkersApplication.class, args);
  }
}
