package dev.modelyard.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The API process on its own: needs DATABASE_URL and TEMPORAL_ADDRESS. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ApiConfiguration.class)
public class ApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(ApiApplication.class, args);
  }
}
