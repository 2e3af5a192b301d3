package dev.modelyard.infra.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** MODELYARD_HOST_ID: names this machine's task queue; defaults to the host name. */
@ConfigurationProperties("modelyard")
public record HostSettings(String hostId) {

  public HostSettings {
    hostId = hostId == null ? localHostName() : hostId;
    if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
      throw new IllegalArgumentException(
          "MODELYARD_HOST_ID must be letters, digits, '-' and '.', at most 63 characters");
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
