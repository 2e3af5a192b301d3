package dev.modelyard.standalone;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** MODELYARD_EMBEDDED_TEMPORAL_PORT: where the embedded Temporal server listens (0: any free). */
@ConfigurationProperties("modelyard.embedded")
record EmbeddedSettings(@DefaultValue("7233") int temporalPort) {

  EmbeddedSettings {
    if (temporalPort < 0 || temporalPort > 65_535) {
      throw new IllegalArgumentException("MODELYARD_EMBEDDED_TEMPORAL_PORT must be a TCP port");
    }
  }
}
