package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** REDIS_URL; unset means an in-process cache only, and limits that hold for one process. */
@ConfigurationProperties("modelyard.redis")
public record RedisSettings(URI url) {

  public RedisSettings {
    if (url != null && !"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379");
    }
  }
}
