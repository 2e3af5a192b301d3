package dev.modelyard.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What the gateway adds to a generation: the same ~1 KB non-streamed request sent to a fast
 * loopback backend directly and through Modelyard's {@code /v1/chat/completions}, one at a time and
 * at a fixed rate; then cache hits at that rate. Modelyard runs as its own process (the standalone
 * jar on embedded defaults), as users run it.
 *
 * <p>Usage: {@code bench/gateway-latency.sh [sequential-requests] [rate-per-second] [seconds]}.
 */
public final class GatewayLatencyBenchmark {

  /**
   * The admin key the benchmarked process starts with (MODELYARD_ADMIN_KEY), new each run; every
   * request carries it, the direct ones too, so that both paths send the same bytes.
   */
  private static final String API_KEY = "my-bench-" + UUID.randomUUID() + UUID.randomUUID();

  private static final String AUTHORIZATION = "Bearer " + API_KEY;

  private static final String BODY =
      "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\""
          + "y".repeat(900)
          + "\"}],\"max_tokens\":200,\"temperature\":%s}";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path jar = Path.of(System.getProperty("modelyard.jar"));
    new GatewayLatencyBenchmark().run(jar, sequential, rate, seconds);
    System.exit(0);
  }

  private void run(Path jar, int sequential, int rate, int seconds) throws Exception {
    try (FastBackend backend = new FastBackend();
        ModelyardProcess modelyard = ModelyardProcess.start(jar, freePort())) {
      modelyard.registerEndpoint("fast", backend.endpoint());
      URI direct = backend.endpoint().resolve("/v1/chat/completions");
      URI gateway = modelyard.base().resolve("/v1/chat/completions");
      String uncached = BODY.formatted("0.5");

      // Warm both paths (JIT, connection pools) before measuring.
      sequential(direct, uncached, 3_000);
      sequential(gateway, uncached, 3_000);

      Stats directOne = sequential(direct, uncached, sequential);
      Stats gatewayOne = sequential(gateway, uncached, sequential);
      Stats directRate = atRate(direct, uncached, rate, seconds);
      Stats gatewayRate = atRate(gateway, uncached, rate, seconds);
      String cached = BODY.formatted("0");
      sequential(gateway, cached, 10);
      Stats cacheRate = atRate(gateway, cached, rate, seconds);

      System.out.printf(
          "%nModelyard gateway vs direct, ~1 KB non-streamed bodies, loopback, %d cores%n%n",
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "%-34s %10s %10s %10s %8s %8s%n", "run", "p50", "p99", "max", "req/s", "errors");
      directOne.print("direct, concurrency 1");
      gatewayOne.print("gateway, concurrency 1");
      System.out.printf(
          "%-34s %7.0f µs %7.0f µs%n",
          "  added by the gateway",
          (gatewayOne.p(50) - directOne.p(50)) / 1e3,
          (gatewayOne.p(99) - directOne.p(99)) / 1e3);
      directRate.print("direct, " + rate + "/s open loop");
      gatewayRate.print("gateway, " + rate + "/s open loop");
      System.out.printf(
          "%-34s %7.0f µs %7.0f µs%n",
          "  added by the gateway",
          (gatewayRate.p(50) - directRate.p(50)) / 1e3,
          (gatewayRate.p(99) - directRate.p(99)) / 1e3);
      cacheRate.print("gateway cache hits, " + rate + "/s");
      System.out.printf(
          "%nModelyard resident size after the run: %d MB%n", modelyard.residentMegabytes());
    }
  }

  private Stats sequential(URI uri, String body, int count) throws Exception {
    long[] latencies = new long[count];
    int errors = 0;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> response =
          http.send(request(uri, body), HttpResponse.BodyHandlers.ofByteArray());
      latencies[i] = System.nanoTime() - t;
      if (response.statusCode() != 200) {
        errors++;
      }
    }
    return new Stats(latencies, errors, System.nanoTime() - start);
  }

  /** Open loop: requests leave on schedule whether or not earlier ones have come back. */
  private Stats atRate(URI uri, String body, int rate, int seconds) throws Exception {
    int total = rate * seconds;
    long interval = 1_000_000_000L / rate;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    List<CompletableFuture<Void>> inFlight = new ArrayList<>(total);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long sent = System.nanoTime();
      inFlight.add(
          http.sendAsync(request(uri, body), HttpResponse.BodyHandlers.ofByteArray())
              .handle(
                  (response, failure) -> {
                    latencies.add(System.nanoTime() - sent);
                    if (failure != null || response.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                    return null;
                  }));
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    return new Stats(
        latencies.stream().mapToLong(Long::longValue).toArray(),
        errors.get(),
        System.nanoTime() - start);
  }

  private static HttpRequest request(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private record Stats(long[] latencies, int errors, long elapsedNanos) {

    Stats {
      latencies = latencies.clone();
      Arrays.sort(latencies);
    }

    double p(int percentile) {
      int index = (int) Math.ceil(percentile / 100.0 * latencies.length) - 1;
      return latencies[Math.max(0, Math.min(latencies.length - 1, index))];
    }

    void print(String name) {
      System.out.printf(
          "%-34s %7.0f µs %7.0f µs %7.0f µs %8.0f %8d%n",
          name,
          p(50) / 1e3,
          p(99) / 1e3,
          latencies[latencies.length - 1] / 1e3,
          latencies.length / (elapsedNanos / 1e9),
          errors);
    }
  }

  /** The standalone jar in its own JVM, on embedded defaults in a throwaway data dir. */
  private static final class ModelyardProcess implements AutoCloseable {

    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    private ModelyardProcess(Process process, URI base) {
      this.process = process;
      this.base = base;
    }

    static ModelyardProcess start(Path jar, int port) throws Exception {
      Path dataDir = Files.createTempDirectory("modelyard-bench");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--enable-native-access=ALL-UNNAMED",
                  "--sun-misc-unsafe-memory-access=allow",
                  "-XX:+UseZGC",
                  "-Xmx1g",
                  "-jar",
                  jar.toString(),
                  "--server.port=" + port,
                  "--modelyard.data-dir=" + dataDir,
                  "--modelyard.embedded.temporal-port=0",
                  "--modelyard.database.url=",
                  "--modelyard.temporal.address=",
                  "--modelyard.redis.url=",
                  "--modelyard.security.admin-key=" + API_KEY,
                  "--logging.level.root=WARN")
              .redirectErrorStream(true)
              .redirectOutput(dataDir.resolve("modelyard.log").toFile());
      ModelyardProcess modelyard =
          new ModelyardProcess(builder.start(), URI.create("http://127.0.0.1:" + port));
      modelyard.awaitUp();
      return modelyard;
    }

    URI base() {
      return base;
    }

    void registerEndpoint(String model, URI endpoint) throws Exception {
      post(
          "/api/v1/local-llm/models/register",
          "{\"provider\":\"openai_compatible\",\"model_name\":\"%s\",\"base_url\":\"%s\"}"
              .formatted(model, endpoint));
      Instant deadline = Instant.now().plusSeconds(60);
      while (Instant.now().isBefore(deadline)) {
        HttpResponse<String> models =
            http.send(
                HttpRequest.newBuilder(base.resolve("/v1/models"))
                    .header("Authorization", AUTHORIZATION)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (models.body().contains("\"" + model + "\"")) {
          return;
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(model + " never became routable");
    }

    long residentMegabytes() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
      return -1;
    }

    private void awaitUp() throws Exception {
      Instant deadline = Instant.now().plusSeconds(120);
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("Modelyard exited with " + process.exitValue());
        }
        try {
          if (http.send(
                      HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode()
              == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(500);
      }
      throw new IllegalStateException("Modelyard did not come up on " + base);
    }

    private void post(String path, String body) throws Exception {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/json")
                  .header("Authorization", AUTHORIZATION)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            path + " answered " + response.statusCode() + ": " + response.body());
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }
}
