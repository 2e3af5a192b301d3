package dev.modelyard.api.gateway;

import dev.modelyard.api.ApiApplication;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * One API process on the real test services, in a database schema shared with its other replicas,
 * as a production deployment runs several behind a load balancer. It is started with the test admin
 * key, which every request sent through it carries.
 */
final class ApiReplica implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext app;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApiReplica(ConfigurableApplicationContext app) {
    this.app = app;
    this.base =
        URI.create(
            "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
  }

  /**
   * Starts a replica; each of {@code properties} ({@code name=value}) is added, or replaces the
   * default of the same name (the test Redis, for one).
   */
  static ApiReplica start(String schema, String... properties) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.port", "0");
    settings.put(
        "modelyard.database.url", TestServices.get("DATABASE_URL") + "?currentSchema=" + schema);
    settings.put("spring.flyway.schemas", schema);
    settings.put("spring.flyway.create-schemas", "true");
    settings.put("modelyard.temporal.address", TestServices.get("TEMPORAL_ADDRESS"));
    settings.put("modelyard.redis.url", TestServices.get("REDIS_URL"));
    settings.put(TestApiKeys.ADMIN_KEY_PROPERTY, TestApiKeys.ADMIN);
    // Every test request comes from 127.0.0.1: one caller, far beyond the default limit.
    settings.put("modelyard.rate-limit.requests", "1000000");
    settings.put("modelyard.rate-limit.global-requests", "1000000");
    for (String property : properties) {
      int equals = property.indexOf('=');
      // A repeated command-line option would reach Spring as both values joined by a comma.
      settings.put(property.substring(0, equals), property.substring(equals + 1));
    }
    String[] arguments =
        settings.entrySet().stream()
            .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
            .toArray(String[]::new);
    return new ApiReplica(new SpringApplicationBuilder(ApiApplication.class).run(arguments));
  }

  URI base() {
    return base;
  }

  <T> T bean(Class<T> type) {
    return app.getBean(type);
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits up to {@code within} until {@code GET /v1/models} lists every one of {@code models}. */
  void awaitRoutable(Duration within, String... models) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      HttpResponse<String> listed = send("GET", "/v1/models", null);
      if (listed.statusCode() != 200) {
        throw new AssertionError(
            "GET /v1/models answered " + listed.statusCode() + ": " + listed.body());
      }
      Set<String> ids = new HashSet<>();
      JSON.readTree(listed.body()).get("data").forEach(e -> ids.add(e.get("id").asString()));
      if (ids.containsAll(List.of(models))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(List.of(models) + " not routable within " + within);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    app.close();
  }
}
