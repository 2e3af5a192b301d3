package dev.modelyard.infra.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** TEMPORAL_ADDRESS (host:port; unset means embedded) and TEMPORAL_NAMESPACE. */
@ConfigurationProperties("modelyard.temporal")
public record TemporalSettings(String address, @DefaultValue("default") String namespace) {

  public TemporalSettings {
    if (address != null && !address.isBlank() && !address.matches("[^:/\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "TEMPORAL_ADDRESS must be host:port such as 127.0.0.1:7233");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("TEMPORAL_NAMESPACE must not be blank");
    }
    address = address == null || address.isBlank() ? null : address;
  }
}
