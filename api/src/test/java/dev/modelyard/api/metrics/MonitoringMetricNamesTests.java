package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.infra.gpu.GpuDevice;
import dev.modelyard.infra.gpu.GpuInventory;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every metric that a Grafana dashboard panel or a Prometheus alert rule in {@code k8s/monitoring}
 * reads is one the API exports, scraped from a running API after some traffic. The GPU is a fake
 * one (this test runs without a GPU), and an instance is registered so that health scores exist.
 */
class MonitoringMetricNamesTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path MONITORING = TestServices.repositoryRoot().resolve("k8s/monitoring");

  private static ApiProcess api;

  @BeforeAll
  static void start() throws Exception {
    api =
        ApiProcess.start(
            "metric_names_" + RUN,
            true,
            context -> context.registerBean(GpuInventory.class, FakeGpu::new));
    ModelRegistry registry = api.bean(ModelRegistry.class);
    registry.recordHost("metrics-" + RUN, "modelyard-host-metrics-" + RUN);
    String modelId =
        registry
            .registerModel(
                new RegisterModel(
                    new ModelRef(Provider.LOCAL_GGUF, "tiny-" + RUN),
                    "metrics-" + RUN,
                    new ModelFileFacts(
                        "/models/tiny", 1, "digest", "gguf", "llama", 1, "F32", 512)))
            .modelId();
    registry.recordStarting(
        new NewInstance("i-" + RUN, modelId, "metrics-" + RUN, ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance("i-" + RUN, "http://127.0.0.1:1"));

    api.post("/v1/chat/completions", "{\"model\":\"tiny\"}");
    api.post("/v1/chat/completions", "{\"model\":\"tiny\",\"cached\":true}");
    api.post("/v1/chat/completions", "{\"model\":\"tiny\",\"stream\":true}");
    api.post(
        "/api/v1/local-llm/generate",
        "{\"model\":\"gpt-4o-mini\",\"provider\":\"openai\",\"cost_usd\":0.0042}");
    api.post("/v1/chat/completions", "{\"status\":503}");
    api.bean(MetricsPoller.class).pollNow();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void everyMetricThatADashboardOrAnAlertReadsIsExported() throws Exception {
    Set<String> exported = exportedNames(api.get("/actuator/prometheus").body());
    Map<String, Set<String>> referenced = new TreeMap<>();
    for (Path dashboard : files("dashboards", ".json")) {
      for (String expression : dashboardExpressions(JSON.readTree(dashboard.toFile()))) {
        referenced
            .computeIfAbsent(dashboard.getFileName() + ": " + expression, k -> new TreeSet<>())
            .addAll(PromQl.metricNames(expression));
      }
    }
    for (Path rules : files("alerts", ".yaml")) {
      for (String expression : alertExpressions(rules)) {
        referenced
            .computeIfAbsent(rules.getFileName() + ": " + expression, k -> new TreeSet<>())
            .addAll(PromQl.metricNames(expression));
      }
    }

    assertThat(files("dashboards", ".json")).hasSize(5);
    assertThat(referenced.values().stream().flatMap(Set::stream))
        .contains(
            "llm_requests_total",
            "llm_response_time_seconds_bucket",
            "llm_time_to_first_token_seconds_bucket",
            "llm_tokens_total",
            "llm_cost_usd_total",
            "llm_cache_hit_rate",
            "llm_model_health_score",
            "llm_gpu_utilization",
            "llm_gpu_memory_used_bytes",
            "llm_task_queue_backlog");
    Map<String, Set<String>> missing = new TreeMap<>();
    referenced.forEach(
        (where, names) -> {
          Set<String> absent = new TreeSet<>(names);
          absent.removeAll(exported);
          if (!absent.isEmpty()) {
            missing.put(where, absent);
          }
        });
    assertThat(missing).as("metrics read but not exported (exported: %s)", exported).isEmpty();
  }

  @Test
  void theTemporalSdkReportsIntoTheSameRegistry() throws Exception {
    // The SDK's reporter flushes every 10 s.
    long deadline = System.nanoTime() + 30_000_000_000L;
    Set<String> exported = Set.of();
    while (System.nanoTime() < deadline) {
      exported = exportedNames(api.get("/actuator/prometheus").body());
      if (exported.stream().anyMatch(name -> name.startsWith("temporal_"))) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(exported).anyMatch(name -> name.startsWith("temporal_"));
  }

  @Test
  void theGatewaySummaryCountsWhatWasServed() throws Exception {
    JsonNode summary = JSON.readTree(api.get("/api/v1/local-llm/metrics/gateway").body());

    assertThat(summary.get("requests").asLong()).isEqualTo(5);
    assertThat(summary.get("errors").asLong()).isEqualTo(1);
    assertThat(summary.get("cache_hit_rate").asDouble()).isEqualTo(0.25);
    assertThat(summary.get("cost_usd").asDouble()).isEqualTo(0.0042);
    JsonNode tiny = model(summary, "tiny");
    assertThat(tiny.get("requests").asLong()).isEqualTo(3);
    assertThat(tiny.get("cache_hits").asLong()).isEqualTo(1);
    assertThat(tiny.get("prompt_tokens").asLong()).isEqualTo(21);
    assertThat(tiny.get("completion_tokens").asLong()).isEqualTo(9);
    assertThat(tiny.get("latency_ms").get("p95").asDouble()).isPositive();
    assertThat(tiny.get("latency_ms").get("p50").asDouble())
        .isLessThanOrEqualTo(tiny.get("latency_ms").get("max").asDouble());
  }

  @Test
  void theResourceReportShowsThisHostAndTheRegisteredInstances() throws Exception {
    JsonNode report = JSON.readTree(api.get("/api/v1/local-llm/metrics/resources").body());

    assertThat(report.get("cpu").get("available_processors").asInt()).isPositive();
    assertThat(report.get("memory").get("total_bytes").asLong()).isPositive();
    assertThat(report.get("disk").get("total_bytes").asLong()).isPositive();
    assertThat(report.get("instances"))
        .anySatisfy(
            row -> {
              assertThat(row.get("instance_id").asString()).isEqualTo("i-" + RUN);
              assertThat(row.get("state").asString()).isEqualTo("ready");
              assertThat(row.get("health_score").asInt()).isEqualTo(100);
            });
  }

  private static JsonNode model(JsonNode summary, String name) {
    for (JsonNode model : summary.get("models")) {
      if (model.get("model").asString().equals(name)) {
        return model;
      }
    }
    throw new AssertionError("no model " + name + " in " + summary);
  }

  static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
      }
    }
    return names;
  }

  private static List<Path> files(String folder, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(MONITORING.resolve(folder))) {
      return files
          .filter(file -> file.toString().endsWith(suffix))
          .filter(file -> !file.toString().endsWith(".test.yaml"))
          .sorted()
          .toList();
    }
  }

  private static List<String> dashboardExpressions(JsonNode dashboard) {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.get("expr").asString());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.has("definition")) {
        expressions.add(variable.get("definition").asString());
      }
    }
    return expressions;
  }

  @SuppressWarnings("unchecked")
  private static List<String> alertExpressions(Path rules) throws IOException {
    List<String> expressions = new ArrayList<>();
    try (InputStream in = Files.newInputStream(rules)) {
      Map<String, Object> file = new Yaml().load(in);
      for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
          expressions.add(String.valueOf(rule.get("expr")));
        }
      }
    }
    return expressions;
  }

  /** One H100-sized GPU, half used. */
  static final class FakeGpu implements GpuInventory {

    @Override
    public List<GpuDevice> devices() {
      return List.of(
          new GpuDevice(
              0,
              "GPU-fake",
              "Fake H100",
              80_000_000_000L,
              40_000_000_000L,
              40_000_000_000L,
              0,
              55,
              30,
              60,
              300.0,
              List.of()));
    }

    @Override
    public String status() {
      return "fake GPU for tests";
    }
  }
}
