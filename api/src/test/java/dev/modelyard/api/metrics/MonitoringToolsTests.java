package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.testing.TestApiKeys;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The alert rules through promtool, and a real Prometheus scraping a running API. Both binaries
 * come from {@code scripts/monitoring-tools.sh} (built with {@code go install} by
 * scripts/test-services.sh and cached); a missing one fails the test.
 */
class MonitoringToolsTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path ROOT = TestServices.repositoryRoot();

  @Test
  void theAlertRulesPassPromtoolsChecksAndTheirUnitTests() throws Exception {
    Result check = run("scripts/check-monitoring.sh", "--no-build");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS");
  }

  @Test
  void aRealPrometheusScrapingTheApiCountsTheRequestsItWasSent(@TempDir Path dir) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String model = "prom-" + run;
    Map<String, String> tools = tools();
    try (ApiProcess api = ApiProcess.start("prometheus_" + run, true)) {
      for (int i = 0; i < 37; i++) {
        assertThat(
                api.post("/v1/chat/completions", "{\"model\":\"%s\"}".formatted(model))
                    .statusCode())
            .isEqualTo(200);
      }
      int port = freePort();
      Files.writeString(
          dir.resolve("prometheus.yml"),
          """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: modelyard-api
              metrics_path: /actuator/prometheus
              authorization:
                credentials: %s
              static_configs:
                - targets: ['%s']
          """
              .formatted(TestApiKeys.ADMIN, api.uri("/").getAuthority()));
      Process prometheus =
          new ProcessBuilder(
                  tools.get("PROMETHEUS_BIN"),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        String query =
            URLEncoder.encode(
                "sum(llm_requests_total{model=\"%s\"})".formatted(model), StandardCharsets.UTF_8);
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + query);
        HttpClient http = HttpClient.newHttpClient();
        double counted = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counted != 37 && System.nanoTime() < deadline) {
          Thread.sleep(500);
          try {
            JsonNode result =
                JSON.readTree(
                        http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("data")
                    .path("result");
            if (!result.isEmpty()) {
              counted = Double.parseDouble(result.get(0).get("value").get(1).asString());
            }
          } catch (IOException e) {
            // Not listening yet.
          }
        }
        assertThat(counted)
            .as("Prometheus log: %s", Files.readString(dir.resolve("prometheus.log")))
            .isEqualTo(37);
      } finally {
        prometheus.destroy();
        prometheus.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> tools() throws Exception {
    Result paths = run("scripts/monitoring-tools.sh", "--no-build");
    assertThat(paths.exitCode()).as(paths.output()).isZero();
    Map<String, String> tools = new HashMap<>();
    for (String line : paths.output().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        tools.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    return tools;
  }

  private static Result run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  record Result(int exitCode, String output) {}
}
