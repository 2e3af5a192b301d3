package dev.modelyard.bench;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.postgres.EmbeddedPostgresServer;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.runtime.InstanceSpec;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.temporal.EmbeddedTemporalServer;
import dev.modelyard.workers.WorkersApplication;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the workflows add to loading and unloading a model: each cycle is timed once through
 * LoadModelWorkflow/UnloadModelWorkflow and once as the raw runtime calls those workflows make
 * (start, readiness probe, stop), on the same worker, model and machine.
 *
 * <p>Usage: {@code bench/lifecycle-overhead.sh [cycles] [model.gguf]}. TEMPORAL_ADDRESS and
 * DATABASE_URL pick real servers; unset, it embeds both.
 */
public final class LifecycleOverheadBenchmark {

  private LifecycleOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path model =
        Path.of(args.length > 1 ? args[1] : "../shared/models/llama-2-tiny-random.gguf")
            .toAbsolutePath()
            .normalize();
    Path dataDir = Files.createTempDirectory("modelyard-bench");

    String temporal = System.getenv("TEMPORAL_ADDRESS");
    EmbeddedTemporalServer embeddedTemporal =
        temporal == null ? EmbeddedTemporalServer.start(0) : null;
    String database = System.getenv("DATABASE_URL");
    EmbeddedPostgresServer embeddedPostgres =
        database == null ? EmbeddedPostgresServer.start(dataDir.resolve("postgres")) : null;

    List<String> properties = new ArrayList<>();
    properties.add("modelyard.host-id=bench");
    properties.add("modelyard.health.enabled=false");
    properties.add("modelyard.maintenance.enabled=false");
    properties.add("spring.main.banner-mode=off");
    properties.add("logging.level.root=WARN");
    properties.add(
        "modelyard.temporal.address=" + (temporal != null ? temporal : embeddedTemporal.target()));
    if (embeddedPostgres != null) {
      properties.add(
          "modelyard.database.url=postgresql://postgres@"
              + hostPort(embeddedPostgres)
              + "/postgres");
    } else {
      String schema = "bench_" + System.currentTimeMillis();
      properties.add("modelyard.database.url=" + database + "?currentSchema=" + schema);
      properties.add("spring.flyway.schemas=" + schema);
      properties.add("spring.flyway.create-schemas=true");
    }

    try (ConfigurableApplicationContext workers =
        new SpringApplicationBuilder(WorkersApplication.class)
            // As arguments, so that they win over the environment variables they stand in for.
            .run(properties.stream().map(p -> "--" + p).toArray(String[]::new))) {
      WorkflowClient client = workers.getBean(WorkflowClient.class);
      ModelRuntime runtime = workers.getBean(ModelRuntime.class);
      OpenAiCompatibleClient probe =
          new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60));
      ModelRef ref = new ModelRef(Provider.LOCAL_GGUF, "bench-tiny");
      stub(client, PullModelWorkflow.class, WorkflowIds.pull(ref), TaskQueues.PULLS)
          .pull(new PullModelRequest(ref, model.toString(), 5, null));

      long[] workflowLoad = new long[cycles];
      long[] workflowUnload = new long[cycles];
      long[] rawLoad = new long[cycles];
      long[] rawUnload = new long[cycles];
      ResourceRequirements resources = new ResourceRequirements(512, 2, 1);
      for (int i = -3; i < cycles; i++) { // three warm-up cycles
        long load =
            time(
                () ->
                    stub(client, LoadModelWorkflow.class, WorkflowIds.load(ref), TaskQueues.RUNTIME)
                        .load(new LoadModelRequest(ref, resources)));
        long unload =
            time(
                () ->
                    stub(
                            client,
                            UnloadModelWorkflow.class,
                            WorkflowIds.unload(ref),
                            TaskQueues.RUNTIME)
                        .unload(new UnloadModelRequest(ref)));
        String instanceId = "raw-" + i;
        // The same work the host activity does: start the runner, then a one-token generation.
        long rawStart =
            time(
                () -> {
                  URI endpoint =
                      runtime.start(
                          new InstanceSpec(
                              instanceId, "bench-tiny", model, EngineOptions.of(512, 2, 1)));
                  return chat(probe, endpoint);
                });
        long rawStop =
            time(
                () -> {
                  runtime.stop(instanceId);
                  return null;
                });
        if (i >= 0) {
          workflowLoad[i] = load;
          workflowUnload[i] = unload;
          rawLoad[i] = rawStart;
          rawUnload[i] = rawStop;
        }
      }
      System.out.printf(
          "%n%d cycles, model %s (%d bytes), Temporal %s, PostgreSQL %s%n%n",
          cycles,
          model.getFileName(),
          Files.size(model),
          temporal != null ? temporal : "embedded Java server",
          database != null ? "external" : "embedded");
      System.out.printf(
          "%-8s %14s %14s %14s %14s%n",
          "op", "workflow p50", "raw p50", "overhead p50", "overhead p95");
      row("load", workflowLoad, rawLoad);
      row("unload", workflowUnload, rawUnload);
    } finally {
      if (embeddedTemporal != null) {
        embeddedTemporal.close();
      }
      if (embeddedPostgres != null) {
        embeddedPostgres.close();
      }
    }
    // llama.cpp's JNI binding leaves a non-daemon native thread behind.
    System.exit(0);
  }

  private static void row(String op, long[] workflow, long[] raw) {
    long[] overhead = new long[workflow.length];
    for (int i = 0; i < workflow.length; i++) {
      overhead[i] = workflow[i] - raw[i];
    }
    System.out.printf(
        "%-8s %11.1f ms %11.1f ms %11.1f ms %11.1f ms%n",
        op,
        ms(percentile(workflow, 50)),
        ms(percentile(raw, 50)),
        ms(percentile(overhead, 50)),
        ms(percentile(overhead, 95)));
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static long time(Supplier<?> operation) {
    long start = System.nanoTime();
    operation.get();
    return System.nanoTime() - start;
  }

  private static ChatCompletionResponse chat(OpenAiCompatibleClient client, URI endpoint) {
    try {
      return client.chat(
          endpoint,
          new ChatCompletionRequest(
              null, List.of(new ChatMessage("user", "ping")), 1, 0.0, 1, false));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("probe of " + endpoint + " failed", e);
    }
  }

  private static String hostPort(EmbeddedPostgresServer server) {
    String url = server.endpoint().jdbcUrl();
    return url.substring(
        "jdbc:postgresql://".length(), url.indexOf('/', "jdbc:postgresql://".length()));
  }

  private static <T> T stub(WorkflowClient client, Class<T> type, String id, String queue) {
    return client.newWorkflowStub(
        type, WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
  }
}
