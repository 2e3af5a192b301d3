package dev.modelyard.infra.settings;

import java.util.List;
import java.util.Optional;

/**
 * The environment variables users already know, the typed property each one feeds, and what a valid
 * value looks like. One table, read by the property source and by start-up error reporting.
 */
public enum EnvironmentVariable {
  DATABASE_URL("modelyard.database.url", "a postgresql:// URL"),
  REDIS_URL("modelyard.redis.url", "a redis:// URL"),
  TEMPORAL_ADDRESS("modelyard.temporal.address", "host:port of a Temporal frontend"),
  TEMPORAL_NAMESPACE("modelyard.temporal.namespace", "a Temporal namespace name"),
  OLLAMA_HOST("modelyard.providers.ollama-host", "a URL or host:port of an Ollama server"),
  HF_LOCAL_HOST("modelyard.providers.hf-local-host", "a URL of a text-generation-inference server"),
  HF_ENDPOINT("modelyard.providers.hf-endpoint", "a URL of the Hugging Face Hub or a mirror"),
  OPENAI_API_KEY("modelyard.cloud.openai-api-key", "an OpenAI API key"),
  ANTHROPIC_API_KEY("modelyard.cloud.anthropic-api-key", "an Anthropic API key"),
  GOOGLE_API_KEY("modelyard.cloud.google-api-key", "a Google AI API key"),
  SECRET_KEY("modelyard.security.secret-key", "a secret of at least 32 characters"),
  ALGORITHM("modelyard.security.algorithm", "a JWT algorithm such as HS256"),
  MODELYARD_JWKS_URL(
      "modelyard.security.jwks-url",
      "a URL of the JSON Web Key Set that checks RS256/ES256 tokens"),
  MODELYARD_JWT_ISSUER("modelyard.security.jwt-issuer", "the issuer every token must name (iss)"),
  MODELYARD_JWT_AUDIENCE(
      "modelyard.security.jwt-audience", "an audience every token must name (aud)"),
  MODELYARD_ADMIN_KEY(
      "modelyard.security.admin-key", "an API key: 'my-' followed by at least 32 characters"),
  MODELYARD_MAX_REQUEST_BODY(
      "modelyard.security.max-request-body", "a size such as 4MB (request bodies larger get 413)"),
  MODELYARD_UNKNOWN_KEYS_PER_MINUTE(
      "modelyard.security.unknown-keys-per-minute",
      "a whole number, at least 1 (unknown API keys one client address may present per minute)"),
  MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL(
      "modelyard.security.unknown-keys-per-minute-total",
      "a whole number, at least MODELYARD_UNKNOWN_KEYS_PER_MINUTE (unknown API keys all client"
          + " addresses together may present per minute)"),
  RATE_LIMIT_REQUESTS("modelyard.rate-limit.requests", "a whole number of requests, at least 1"),
  RATE_LIMIT_WINDOW(
      "modelyard.rate-limit.window", "a whole number of seconds, from 1 to 2678400 (31 days)"),
  RATE_LIMIT_GLOBAL_REQUESTS(
      "modelyard.rate-limit.global-requests", "a whole number of requests, at least 1"),
  COST_TRACKING_ENABLED("modelyard.costs.tracking-enabled", "true or false"),
  MONTHLY_COST_LIMIT("modelyard.costs.monthly-limit", "an amount in US dollars such as 250.00"),
  COST_LIMIT_SCOPE("modelyard.costs.limit-scope", "cloud_fallbacks or all_traffic"),
  DOCKER_HOST("modelyard.docker.host", "a Docker endpoint such as unix:///var/run/docker.sock"),
  MODELYARD_DATA_DIR("modelyard.data-dir", "a directory path"),
  MODELYARD_HOST_ID("modelyard.host-id", "a short host name of letters, digits, '-' and '.'"),
  MODELYARD_RUNTIME("modelyard.runtime", "in-process, local-process or docker"),
  MODELYARD_INSTANCE_ADDRESS(
      "modelyard.instance-address", "an IP address of this host, such as 127.0.0.1 or a pod's IP"),
  MODELYARD_INSTANCE_PORTS(
      "modelyard.instance-ports", "a port range such as 20000-20999, one port, or 0 for any"),
  MODELYARD_INSTANCE_START_TIMEOUT(
      "modelyard.instance-start-timeout", "a positive duration such as 10m"),
  MODELYARD_EMBEDDED_TEMPORAL_PORT("modelyard.embedded.temporal-port", "a TCP port number"),
  PORT("server.port", "a TCP port number");

  private final String property;
  private final String expected;

  EnvironmentVariable(String property, String expected) {
    this.property = property;
    this.expected = expected;
  }

  public String property() {
    return property;
  }

  public String expected() {
    return expected;
  }

  /** Whether the value is a secret, which no message may repeat. */
  public boolean secret() {
    return switch (this) {
      case OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY, SECRET_KEY, MODELYARD_ADMIN_KEY ->
          true;
      default -> false;
    };
  }

  /**
   * The value as the typed property takes it. Ollama's own clients accept OLLAMA_HOST as a bare
   * {@code host:port}, so we do too for the server addresses.
   */
  public String normalise(String value) {
    boolean serverAddress = this == OLLAMA_HOST || this == HF_LOCAL_HOST;
    return serverAddress && !value.contains("://") ? "http://" + value : value;
  }

  /** The variable behind a property, also for nested names such as {@code ….url.host}. */
  public static Optional<EnvironmentVariable> forProperty(String property) {
    return List.of(values()).stream()
        .filter(v -> property.equals(v.property) || property.startsWith(v.property + "."))
        .findFirst();
  }
}
