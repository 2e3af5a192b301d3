package dev.modelyard.api.security;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/**
 * A key that is not cached, presented from an address past its {@link FailedKeyLookups}, or while
 * all addresses together are past theirs.
 */
final class KeyLookupsRefusedException extends AuthenticationException {

  static final String FROM_THIS_ADDRESS =
      "too many unknown API keys from this address; keys not seen lately are checked again after"
          + " Retry-After seconds";

  static final String FROM_ALL_ADDRESSES =
      "too many unknown API keys from all addresses; keys not seen lately are checked again after"
          + " Retry-After seconds";

  private final Duration retryAfter;

  KeyLookupsRefusedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** Whole seconds, at least one. */
  long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
