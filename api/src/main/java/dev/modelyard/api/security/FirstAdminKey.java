package dev.modelyard.api.security;

import java.util.Optional;

/**
 * The first admin key of a fresh installation, so that a newcomer can call the API at once without
 * any default password. The launcher shows it once; only its hash is stored.
 */
public final class FirstAdminKey {

  private final ApiKeys keys;

  FirstAdminKey(ApiKeys keys) {
    this.keys = keys;
  }

  /**
   * Creates an admin key if no key exists at all (of replicas starting together, one does),
   * answering the key; empty when there were keys already.
   */
  public Optional<String> createIfNoKeys() {
    return keys.createFirstAdminKey();
  }
}
