package dev.modelyard.infra.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * MODELYARD_HOST_ID: names this machine's task queue; defaults to the host name. A DNS name of up
 * to 253 characters, as a Kubernetes node's name (which k8s/ passes) or a fully qualified host name
 * may be; not one DNS label of 63, which would refuse such a node and stop its host worker.
 */
@ConfigurationProperties("modelyard")
public record HostSettings(String hostId) {

  public static final int MAX_LENGTH = 253;

  public HostSettings {
    hostId = hostId == null ? localHostName() : hostId;
    if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9.-]{0," + (MAX_LENGTH - 1) + "}")) {
      String given = hostId.length() > MAX_LENGTH ? hostId.substring(0, MAX_LENGTH) + "…" : hostId;
      throw new IllegalArgumentException(
          "MODELYARD_HOST_ID must be letters, digits, '-' and '.', at most "
              + MAX_LENGTH
              + " characters, was '"
              + given
              + "'");
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
