package dev.modelyard.infra.settings;

import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** SECRET_KEY signs JWTs with ALGORITHM. There is deliberately no default secret. */
@ConfigurationProperties("modelyard.security")
public record SecuritySettings(Secret secretKey, @DefaultValue("HS256") String algorithm) {

  private static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "ES256");

  public SecuritySettings {
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException("ALGORITHM must be one of " + ALGORITHMS);
    }
    if (secretKey != null && algorithm.startsWith("HS") && secretKey.value().length() < 32) {
      throw new IllegalArgumentException(
          "SECRET_KEY must be at least 32 characters for " + algorithm);
    }
  }
}
