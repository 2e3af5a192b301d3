package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** DATABASE_URL, as {@code postgresql://user:password@host:port/db}; unset means embedded. */
@ConfigurationProperties("modelyard.database")
public record DatabaseSettings(URI url) {

  public DatabaseSettings {
    if (url != null
        && !"postgresql".equals(url.getScheme())
        && !"postgres".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "DATABASE_URL must be a postgresql:// URL such as"
              + " postgresql://modelyard:secret@127.0.0.1:5432/modelyard");
    }
  }
}
