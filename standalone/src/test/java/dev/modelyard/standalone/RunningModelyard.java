package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The launcher on embedded defaults in this JVM, started with the test admin key, and plain HTTP
 * calls to it that carry that key.
 */
final class RunningModelyard implements AutoCloseable {

  private static final Duration TASK_TIMEOUT = Duration.ofSeconds(60);

  private final ConfigurableApplicationContext app;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private RunningModelyard(ConfigurableApplicationContext app) {
    this.app = app;
    this.base =
        URI.create(
            "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
  }

  /** Starts it; {@code extraProperties} ("key=value") add to the defaults or replace them. */
  static RunningModelyard start(Path dataDir, String... extraProperties) {
    List<String> arguments = new ArrayList<>(List.of(extraProperties));
    arguments.add(TestApiKeys.ADMIN_KEY_PROPERTY + "=" + TestApiKeys.ADMIN);
    return startWithoutAdminKey(dataDir, arguments.toArray(String[]::new));
  }

  /**
   * As a newcomer starts it: no MODELYARD_ADMIN_KEY. Requests through it still carry the test key.
   */
  static RunningModelyard startWithoutAdminKey(Path dataDir, String... extraProperties) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put("modelyard.data-dir", dataDir.toString());
    properties.put("modelyard.embedded.temporal-port", "0");
    properties.put("modelyard.host-id", "e2e");
    // Embedded defaults even where the developer's shell names real services: arguments win over
    // the environment variables these stand in for.
    properties.put("modelyard.database.url", "");
    properties.put("modelyard.temporal.address", "");
    properties.put("modelyard.redis.url", "");
    for (String property : extraProperties) {
      int equals = property.indexOf('=');
      properties.put(property.substring(0, equals), property.substring(equals + 1));
    }
    List<String> arguments = new ArrayList<>();
    properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
    return new RunningModelyard(
        ModelyardStandalone.application().run(arguments.toArray(String[]::new)));
  }

  URI base() {
    return base;
  }

  /** The address its web server listens on. */
  InetAddress listensOn() {
    return (InetAddress)
        ((TomcatWebServer) ((WebServerApplicationContext) app).getWebServer())
            .getTomcat()
            .getConnector()
            .getProperty("address");
  }

  /** One of the application's beans, for what a test must arrange behind the API's back. */
  <T> T bean(Class<T> type) {
    return app.getBean(type);
  }

  /** Pulls and loads the tiny test model, returning the load task's result. */
  JsonNode loadTinyModel(String name) throws Exception {
    awaitTask(
        post(
                "/api/v1/local-llm/models/pull",
                """
                {"provider":"local_gguf","model_name":"%s","path":"%s"}"""
                    .formatted(name, TestServices.tinyModel()),
                202)
            .get("task_id")
            .asString());
    JsonNode loaded =
        awaitTask(
            post(
                    "/api/v1/local-llm/models/load",
                    """
                    {"provider":"local_gguf","model_name":"%s"}"""
                        .formatted(name),
                    202)
                .get("task_id")
                .asString());
    // The routing table picks the new instance up within its refresh interval.
    Instant deadline = Instant.now().plusSeconds(5);
    while (!get("/v1/models", 200).toString().contains("\"" + name + "\"")) {
      assertThat(Instant.now()).as("%s routable", name).isBefore(deadline);
      Thread.sleep(100);
    }
    return loaded;
  }

  JsonNode awaitTask(String taskId) throws Exception {
    Instant deadline = Instant.now().plus(TASK_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode task = get("/api/v1/local-llm/tasks/" + taskId, 200);
      String status = task.get("status").asString();
      if (!status.equals("running")) {
        assertThat(status).as("task %s: %s", taskId, task).isEqualTo("completed");
        return task;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("task " + taskId + " still running after " + TASK_TIMEOUT);
  }

  JsonNode get(String path, int expectedStatus) throws Exception {
    return expect(send(HttpRequest.newBuilder(base.resolve(path)).GET(), null), expectedStatus);
  }

  JsonNode post(String path, String body, int expectedStatus) throws Exception {
    return expect(send(HttpRequest.newBuilder(base.resolve(path)), body), expectedStatus);
  }

  HttpResponse<String> send(HttpRequest.Builder request, String body) throws Exception {
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(
        request
            .header("Authorization", TestApiKeys.ADMIN_AUTHORIZATION)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode expect(HttpResponse<String> response, int expectedStatus) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return json.readTree(response.body());
  }

  @Override
  public void close() {
    app.close();
  }
}
