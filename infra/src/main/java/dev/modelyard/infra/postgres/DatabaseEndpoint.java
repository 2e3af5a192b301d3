package dev.modelyard.infra.postgres;

import dev.modelyard.infra.settings.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** How to reach PostgreSQL: from DATABASE_URL, or from the embedded server. */
public record DatabaseEndpoint(String jdbcUrl, String username, Secret password) {

  /** Reads {@code postgresql://user:password@host:port/database?options} as libpq does. */
  public static DatabaseEndpoint fromUrl(URI url) {
    String user = null;
    String password = null;
    if (url.getRawUserInfo() != null) {
      String[] parts = url.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    int port = url.getPort() > 0 ? url.getPort() : 5432;
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    String jdbcUrl = "jdbc:postgresql://" + url.getHost() + ":" + port + url.getRawPath() + query;
    return new DatabaseEndpoint(jdbcUrl, user, Secret.ofNullable(password));
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
