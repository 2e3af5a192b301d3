package dev.modelyard.api;

import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The API application on the real test services, in a database schema of its own, on a free port,
 * with rate limits out of the way. With {@code stubGenerations}, {@link StubGenerations} answers
 * the generation endpoints instead of the gateway.
 */
public final class ApiProcess implements AutoCloseable {

  private final ConfigurableApplicationContext app;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApiProcess(ConfigurableApplicationContext app) {
    this.app = app;
    this.base =
        URI.create(
            "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
  }

  public static ApiProcess start(String schema, boolean stubGenerations, String... properties) {
    return start(schema, stubGenerations, context -> {}, properties);
  }

  /** With {@code beans} registering more beans (replacing auto-configured ones) before refresh. */
  public static ApiProcess start(
      String schema,
      boolean stubGenerations,
      Consumer<GenericApplicationContext> beans,
      String... properties) {
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
                "--modelyard.redis.url=" + TestServices.get("REDIS_URL"),
                "--modelyard.rate-limit.requests=1000000",
                "--modelyard.rate-limit.global-requests=1000000",
                "--" + TestApiKeys.ADMIN_KEY_PROPERTY + "=" + TestApiKeys.ADMIN));
    override(arguments, properties);
    return new ApiProcess(
        new SpringApplicationBuilder(ApiApplication.class)
            .initializers(
                context -> {
                  GenericApplicationContext generic = (GenericApplicationContext) context;
                  beans.accept(generic);
                  if (stubGenerations) {
                    generic.registerBean(
                        "stubGenerations",
                        FilterRegistrationBean.class,
                        StubGenerations::registration);
                  }
                })
            .run(arguments.toArray(String[]::new)));
  }

  /**
   * Adds each {@code name=value} of {@code properties} to the command-line {@code arguments},
   * replacing an argument of the same name: a repeated one would reach Spring as both values. A
   * {@code -name} removes that property instead.
   */
  public static void override(List<String> arguments, String... properties) {
    for (String property : properties) {
      if (property.startsWith("-")) {
        arguments.removeIf(argument -> argument.startsWith("-" + property + "="));
        continue;
      }
      int equals = property.indexOf('=');
      if (equals > 0) {
        String name = property.substring(0, equals + 1);
        arguments.removeIf(argument -> argument.startsWith("--" + name));
      }
      arguments.add("--" + property);
    }
  }

  public <T> T bean(Class<T> type) {
    return app.getBean(type);
  }

  public URI uri(String path) {
    return base.resolve(path);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String json, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) {
      request.headers(headers);
    }
    // The admin unless the test presents a caller of its own.
    boolean ownCaller = false;
    for (int i = 0; i < headers.length; i += 2) {
      ownCaller |=
          headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("X-API-Key");
    }
    if (!ownCaller) {
      request.header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public ConfigurableApplicationContext context() {
    return app;
  }

  @Override
  public void close() {
    app.close();
  }
}
