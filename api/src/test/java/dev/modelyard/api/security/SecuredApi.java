package dev.modelyard.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.modelyard.api.ApiApplication;
import dev.modelyard.api.ApiProcess;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One API process on the real test services with security as in production: the test admin key
 * (MODELYARD_ADMIN_KEY) and a SECRET_KEY for HS256 tokens. Requests carry only the credentials a
 * test gives them.
 */
final class SecuredApi implements AutoCloseable {

  static final String SECRET_KEY = "test-secret-key-for-hs256-tokens-0123456789";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext app;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private SecuredApi(ConfigurableApplicationContext app) {
    this.app = app;
    this.base =
        URI.create(
            "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
  }

  /**
   * @param namespace a Temporal namespace of the test's own, so that no worker of another test runs
   *     a workflow that an endpoint starts
   */
  static SecuredApi start(String schema, String namespace, String... extraProperties) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--modelyard.database.url="
                    + TestServices.get("DATABASE_URL")
                    + "?currentSchema="
                    + schema,
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.create-schemas=true",
                "--modelyard.temporal.address=" + TestServices.get("TEMPORAL_ADDRESS"),
                "--modelyard.temporal.namespace=" + namespace,
                "--modelyard.redis.url=" + TestServices.get("REDIS_URL"),
                "--" + TestApiKeys.ADMIN_KEY_PROPERTY + "=" + TestApiKeys.ADMIN,
                "--modelyard.security.secret-key=" + SECRET_KEY,
                "--modelyard.rate-limit.requests=1000000",
                "--modelyard.rate-limit.global-requests=1000000",
                // No worker answers here: the containers endpoints' 503 comes after this, not 20 s.
                "--modelyard.containers.answer-timeout=1s"));
    ApiProcess.override(arguments, extraProperties);
    return new SecuredApi(
        new SpringApplicationBuilder(ApiApplication.class).run(arguments.toArray(String[]::new)));
  }

  <T> T bean(Class<T> type) {
    return app.getBean(type);
  }

  <T> T bean(String name, Class<T> type) {
    return app.getBean(name, type);
  }

  /**
   * @param headers name, value, name, value …
   */
  HttpResponse<String> send(String method, String path, String json, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> asAdmin(String method, String path, String json) throws Exception {
    return send(method, path, json, "Authorization", TestApiKeys.ADMIN_AUTHORIZATION);
  }

  /** Creates a key through the API as the admin, answering the whole answer (key included). */
  JsonNode createKey(String json) throws Exception {
    HttpResponse<String> created = asAdmin("POST", "/api/v1/local-llm/keys", json);
    if (created.statusCode() != 201) {
      throw new AssertionError("key not created: " + created.statusCode() + " " + created.body());
    }
    return JSON.readTree(created.body());
  }

  /** A new key with these roles: the key itself. */
  String keyWithRoles(String name, Role... roles) throws Exception {
    String list =
        Arrays.stream(roles)
            .map(role -> "\"" + role.wireName() + "\"")
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    return createKey("{\"name\":\"%s\",\"roles\":[%s]}".formatted(name, list))
        .get("key")
        .asString();
  }

  static String bearer(String credential) {
    return "Bearer " + credential;
  }

  static String jwt(String subject, List<String> roles, Instant expires, String secret)
      throws JOSEException {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).claim("roles", roles);
    if (expires != null) {
      claims.expirationTime(Date.from(expires));
    }
    SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    token.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return token.serialize();
  }

  @Override
  public void close() {
    app.close();
  }
}
