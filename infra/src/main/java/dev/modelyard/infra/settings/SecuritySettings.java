package dev.modelyard.infra.settings;

import java.net.URI;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How callers prove who they are. SECRET_KEY signs JWTs with ALGORITHM (HS256 …); RS256 and ES256
 * tokens are checked against the keys of MODELYARD_JWKS_URL instead. MODELYARD_ADMIN_KEY is an
 * admin API key that exists from the first start on (for automation); MODELYARD_JWT_ISSUER and
 * MODELYARD_JWT_AUDIENCE, when set, are required of every token's {@code iss} and {@code aud} (a
 * JWKS shared with other applications signs their tokens too); MODELYARD_MAX_REQUEST_BODY bounds
 * every request body; MODELYARD_UNKNOWN_KEYS_PER_MINUTE bounds the made-up API keys one client
 * address can have looked up, MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL those of all addresses
 * together. There is deliberately no default secret: without SECRET_KEY or a JWKS, only API keys
 * are accepted.
 */
@ConfigurationProperties("modelyard.security")
public record SecuritySettings(
    Secret secretKey,
    @DefaultValue("HS256") String algorithm,
    URI jwksUrl,
    String jwtIssuer,
    String jwtAudience,
    Secret adminKey,
    @DefaultValue("4MB") DataSize maxRequestBody,
    @DefaultValue("20") int unknownKeysPerMinute,
    Integer unknownKeysPerMinuteTotal) {

  /**
   * Unknown keys of all addresses together per minute, unless MODELYARD_UNKNOWN_KEYS_PER_MINUTE is
   * higher: a deployment that raised that one keeps working as before.
   */
  public static final int DEFAULT_UNKNOWN_KEYS_PER_MINUTE_TOTAL = 1000;

  /** Every API key starts with it, so that a bearer token is told from a JWT at a glance. */
  public static final String API_KEY_PREFIX = "my-";

  /** Characters after the prefix that a key given in MODELYARD_ADMIN_KEY needs at least. */
  public static final int ADMIN_KEY_MIN_SECRET_LENGTH = 32;

  private static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "ES256");

  public SecuritySettings {
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException("ALGORITHM must be one of " + ALGORITHMS);
    }
    // As many bytes as the hash has bits / 8: HMAC keys shorter than that are refused by JOSE.
    int minimum = hmac(algorithm) ? Integer.parseInt(algorithm.substring(2)) / 8 : 0;
    if (secretKey != null && hmac(algorithm) && secretKey.value().length() < minimum) {
      throw new IllegalArgumentException(
          "SECRET_KEY must be at least " + minimum + " characters for " + algorithm);
    }
    if (!hmac(algorithm) && jwksUrl == null) {
      throw new IllegalArgumentException(
          "MODELYARD_JWKS_URL must be set for " + algorithm + ": its keys check the tokens");
    }
    if (hmac(algorithm) && jwksUrl != null) {
      // Taken for HS…, the key set would never be read: every token refused, or SECRET_KEY's taken.
      throw new IllegalArgumentException(
          "MODELYARD_JWKS_URL is set but ALGORITHM is "
              + algorithm
              + ", which checks tokens with SECRET_KEY: set ALGORITHM to RS256 or ES256 for the"
              + " key set, or leave MODELYARD_JWKS_URL unset");
    }
    if (adminKey != null
        && (!adminKey.value().startsWith(API_KEY_PREFIX)
            || adminKey.value().length() < API_KEY_PREFIX.length() + ADMIN_KEY_MIN_SECRET_LENGTH
            || adminKey.value().chars().anyMatch(Character::isWhitespace))) {
      throw new IllegalArgumentException(
          "MODELYARD_ADMIN_KEY must be '"
              + API_KEY_PREFIX
              + "' followed by at least "
              + ADMIN_KEY_MIN_SECRET_LENGTH
              + " characters without spaces");
    }
    if (jwtIssuer != null && jwtIssuer.isBlank()) {
      jwtIssuer = null;
    }
    if (jwtAudience != null && jwtAudience.isBlank()) {
      jwtAudience = null;
    }
    if (maxRequestBody == null) {
      maxRequestBody = DataSize.ofMegabytes(4);
    }
    if (unknownKeysPerMinute < 1) {
      throw new IllegalArgumentException("MODELYARD_UNKNOWN_KEYS_PER_MINUTE must be at least 1");
    }
    if (unknownKeysPerMinuteTotal == null) {
      unknownKeysPerMinuteTotal =
          Math.max(DEFAULT_UNKNOWN_KEYS_PER_MINUTE_TOTAL, unknownKeysPerMinute);
    }
    if (unknownKeysPerMinuteTotal < unknownKeysPerMinute) {
      throw new IllegalArgumentException(
          "MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL must be at least"
              + " MODELYARD_UNKNOWN_KEYS_PER_MINUTE ("
              + unknownKeysPerMinute
              + ")");
    }
    if (maxRequestBody.toBytes() < 1024) {
      throw new IllegalArgumentException("MODELYARD_MAX_REQUEST_BODY must be at least 1KB");
    }
  }

  /** Whether tokens are signed with the shared SECRET_KEY (HS…) rather than a key pair. */
  public boolean hmac() {
    return hmac(algorithm);
  }

  private static boolean hmac(String algorithm) {
    return algorithm.startsWith("HS");
  }
}
