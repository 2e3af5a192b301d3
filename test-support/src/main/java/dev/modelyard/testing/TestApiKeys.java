package dev.modelyard.testing;

/**
 * The admin API key that applications under test are started with (MODELYARD_ADMIN_KEY), so that
 * test clients can call every endpoint.
 */
public final class TestApiKeys {

  /** A test-only key: it exists only in the test databases. */
  public static final String ADMIN = "my-test-admin-key-0123456789abcdefghijklmnopqrstuv";

  /** The property MODELYARD_ADMIN_KEY feeds. */
  public static final String ADMIN_KEY_PROPERTY = "modelyard.security.admin-key";

  /** The header value that authenticates a test request as the admin. */
  public static final String ADMIN_AUTHORIZATION = "Bearer " + ADMIN;

  private TestApiKeys() {}
}
