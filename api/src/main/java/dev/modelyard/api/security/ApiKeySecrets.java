package dev.modelyard.api.security;

import dev.modelyard.infra.settings.SecuritySettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How keys look and how they are kept. A key is {@code my-} and 32 random bytes (base64url), so a
 * fast hash suffices: SHA-256 of a 256-bit random value cannot be reversed or guessed, and unlike a
 * password hash it can be looked up by value. The rate limiter counted keys by the same SHA-256
 * before they were stored, so both agree on who a key is.
 */
final class ApiKeySecrets {

  /** Characters of a key kept in clear to tell keys apart in a listing: "my-" and 8 more. */
  static final int SHOWN_PREFIX_LENGTH = SecuritySettings.API_KEY_PREFIX.length() + 8;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final MessageDigest SHA_256;

  static {
    try {
      SHA_256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private ApiKeySecrets() {}

  static String generate() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return SecuritySettings.API_KEY_PREFIX
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static boolean looksLikeKey(String token) {
    return token.startsWith(SecuritySettings.API_KEY_PREFIX);
  }

  static String hash(String key) {
    return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A copy of one SHA-256 instance: every request hashes its key, and cloning costs a fraction of
   * {@code getInstance}'s provider lookup.
   */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
    }
  }

  static String shownPrefix(String key) {
    return key.substring(0, Math.min(SHOWN_PREFIX_LENGTH, key.length()));
  }
}
