package dev.modelyard.infra.settings;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * DATABASE_URL, as {@code postgresql://user:password@host:port/db}; unset means embedded.
 *
 * @param socketTimeout how long a query may wait for PostgreSQL's answer before it fails ({@code
 *     MODELYARD_DATABASE_SOCKET_TIMEOUT}): a database that stops answering without closing the
 *     connection (its node gone) would otherwise hold a request until TCP gives up, minutes later.
 *     Migrations are not bound by it.
 */
@ConfigurationProperties("modelyard.database")
public record DatabaseSettings(URI url, @DefaultValue("60s") Duration socketTimeout) {

  public DatabaseSettings {
    if (socketTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "MODELYARD_DATABASE_SOCKET_TIMEOUT must be at least 1s (PostgreSQL's driver counts whole"
              + " seconds), was "
              + socketTimeout);
    }
    if (url != null
        && !"postgresql".equals(url.getScheme())
        && !"postgres".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "DATABASE_URL must be a postgresql:// URL such as"
              + " postgresql://modelyard:secret@127.0.0.1:5432/modelyard");
    }
  }
}
