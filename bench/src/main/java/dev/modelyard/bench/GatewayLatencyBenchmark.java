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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway adds to a generation: the same ~1 KB non-streamed request sent to a fast
 * loopback backend directly and through Modelyard's {@code /v1/chat/completions}, one at a time and
 * at a fixed rate; then cache hits at that rate. Modelyard runs as its own process (the standalone
 * jar on embedded defaults), as users run it.
 *
 * <p>Usage: {@code bench/gateway-latency.sh [sequential-seconds] [rate-per-second] [seconds]}.
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

  /** Cacheable (temperature 0) and distinct: a round's name and a number lead the message. */
  private static final String DISTINCT_BODY =
      "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"%s %d "
          + "y".repeat(890)
          + "\"}],\"max_tokens\":200,\"temperature\":0}";

  /** Asks for the usage chunk, which the backend always sends and the gateway relays if asked. */
  private static final String STREAM_BODY =
      "{\"model\":\"fast\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\""
          + "y".repeat(900)
          + "\"}],\"max_tokens\":20,\"temperature\":0.5}";

  /** Streams per first-event run, one at a time. */
  private static final int STREAMS = 5_000;

  private final Vegeta vegeta = new Vegeta(Path.of(System.getProperty("vegeta.bin", "vegeta")));

  /** For what Vegeta cannot measure: the first event of a stream, frames of concurrent streams. */
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(System.getProperty("modelyard.jar"));
    if (args.length > 0 && args[0].equals("soak")) {
      int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
      int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
      new GatewayLatencyBenchmark().soak(jar, rate, minutes);
      System.exit(0);
    }
    // "quick": the non-streamed rows only, without streams and LiteLLM, to try a change fast.
    boolean quick = args.length > 0 && args[0].equals("quick");
    int first = quick ? 1 : 0;
    int sequential = args.length > first ? Integer.parseInt(args[first]) : 10;
    int rate = args.length > first + 1 ? Integer.parseInt(args[first + 1]) : 2_000;
    int seconds = args.length > first + 2 ? Integer.parseInt(args[first + 2]) : 10;
    new GatewayLatencyBenchmark()
        .run(jar, Duration.ofSeconds(sequential), rate, Duration.ofSeconds(seconds), quick);
    System.exit(0);
  }

  private void run(Path jar, Duration sequential, int rate, Duration seconds, boolean quick)
      throws Exception {
    Run run = new Run(sequential, rate, seconds);
    String uncached = BODY.formatted("0.5");
    String cached = BODY.formatted("0");
    List<String[]> rows = new ArrayList<>();
    try (FastBackend backend = new FastBackend()) {
      URI direct = backend.endpoint().resolve("/v1/chat/completions");
      Stats directOne;
      Stats directRate;
      Stats gatewayOne;
      Stats gatewayRate;
      Stats cacheRate;
      Stats redisOne = null;
      Stats directFirst = null;
      Stats gatewayFirst = null;
      String concurrentStreams = null;
      long modelyardMegabytes;
      long megabytesAtRate;
      Duration cpuPerRequest;
      try (ModelyardProcess modelyard = ModelyardProcess.start(jar, freePort())) {
        modelyard.registerEndpoint("fast", backend.endpoint());
        URI gateway = modelyard.base().resolve("/v1/chat/completions");
        // Warm both paths (JIT, connection pools) before measuring: on two cores the compilers
        // are still busy after a few thousand requests.
        warm(direct, uncached);
        warm(gateway, uncached);
        directOne = vegeta.oneAtATime(direct, uncached, AUTHORIZATION, sequential);
        Duration cpuBefore = modelyard.cpu();
        gatewayOne = vegeta.oneAtATime(gateway, uncached, AUTHORIZATION, sequential);
        cpuPerRequest = modelyard.cpu().minus(cpuBefore).dividedBy(gatewayOne.count());
        directRate = atRate(direct, uncached, rate, seconds);
        gatewayRate = atRate(gateway, uncached, rate, seconds);
        // An overloaded run can leave circuits open for a while; each run starts on a gateway
        // that answers again.
        awaitAnswering(gateway, uncached);
        sequential(gateway, cached, 10);
        cacheRate = atRate(gateway, cached, rate, seconds);
        megabytesAtRate = modelyard.residentMegabytes();
        if (modelyard.split()) {
          try (ModelyardProcess replica = modelyard.replica(freePort())) {
            redisOne = redisHits(modelyard, replica);
          }
        }
        if (!quick) {
          awaitAnswering(gateway, uncached);
          String streamed = STREAM_BODY;
          warmStreams(direct, streamed);
          warmStreams(gateway, streamed);
          directFirst = firstEvents(direct, streamed, STREAMS);
          gatewayFirst = firstEvents(gateway, streamed, STREAMS);
          concurrentStreams = concurrentStreams(gateway, streamed, 512);
        }
        modelyardMegabytes = modelyard.residentMegabytes();
      }
      rows.add(directOne.row("direct, concurrency 1"));
      rows.add(gatewayOne.row("Modelyard, concurrency 1"));
      rows.add(added("  added by Modelyard", gatewayOne, directOne));
      rows.add(
          new String[] {
            "  Modelyard CPU per request", Stats.micros(cpuPerRequest.toNanos()), "", "", "", ""
          });
      rows.add(directRate.row("direct, " + rate + "/s open loop"));
      rows.add(gatewayRate.row("Modelyard, " + rate + "/s open loop"));
      rows.add(added("  added by Modelyard", gatewayRate, directRate));
      rows.add(cacheRate.row("Modelyard cache hits, " + rate + "/s"));
      rows.add(
          redisOne != null
              ? redisOne.row("Redis-level hits, concurrency 1")
              : new String[] {"Redis hits: split topology only", "", "", "", "", ""});
      if (!quick) {
        rows.add(directFirst.row("direct stream, first event"));
        rows.add(gatewayFirst.row("Modelyard stream, first event"));
        rows.add(added("  added to the first event", gatewayFirst, directFirst));
        rows.add(new String[] {"512 concurrent streams", concurrentStreams, "", "", "", ""});
      }

      // Floors: what a plain proxy adds on this machine, in a JVM without hand-offs and in C.
      try (ReferenceProxy proxy =
          ReferenceProxy.eventLoop(
              ModelyardProcess.java(ModelyardProcess.API_JAVA_OPTS),
              backend.endpoint(),
              freePort())) {
        rows.addAll(reference("Netty event loop", proxy, WARM_UP, directOne, directRate, run));
      }
      Path nginx = Path.of(System.getProperty("nginx.bin", "/usr/sbin/nginx"));
      if (Files.isExecutable(nginx)) {
        try (ReferenceProxy proxy = ReferenceProxy.nginx(nginx, backend.endpoint(), freePort())) {
          rows.addAll(reference("nginx", proxy, Duration.ofSeconds(5), directOne, directRate, run));
        }
      } else {
        rows.add(new String[] {"nginx: not installed at " + nginx, "", "", "", "", ""});
      }

      Path litellm = Path.of(System.getProperty("litellm.bin", "litellm"));
      long litellmMegabytes = -1;
      if (quick) {
        rows.add(new String[] {"LiteLLM: not run (quick)", "", "", "", "", ""});
      } else if (Files.isExecutable(litellm)) {
        try (LiteLlmProxy proxy = LiteLlmProxy.start(litellm, backend.endpoint(), freePort())) {
          URI uri = proxy.base().resolve("/v1/chat/completions");
          String authorization = "Bearer " + LiteLlmProxy.MASTER_KEY;
          vegeta.oneAtATime(uri, uncached, authorization, Duration.ofSeconds(15));
          Stats litellmOne = vegeta.oneAtATime(uri, uncached, authorization, sequential);
          Stats litellmRate = vegeta.atRate(uri, uncached, authorization, rate, seconds);
          litellmMegabytes = proxy.residentMegabytes();
          rows.add(litellmOne.row("LiteLLM proxy, concurrency 1"));
          rows.add(added("  added by LiteLLM", litellmOne, directOne));
          rows.add(litellmRate.row("LiteLLM proxy, " + rate + "/s open loop"));
          rows.add(added("  added by LiteLLM", litellmRate, directRate));
        } catch (IOException | IllegalStateException e) {
          // Modelyard's rows are measured already: print them, and say why LiteLLM's are missing.
          rows.add(new String[] {"LiteLLM failed: " + e.getMessage(), "", "", "", "", ""});
        }
      } else {
        rows.add(new String[] {"LiteLLM: not installed at " + litellm, "", "", "", "", ""});
      }

      System.out.printf(
          "%nGateways vs direct, ~1 KB non-streamed bodies, loopback, %d cores, Modelyard as %s%n%n",
          Runtime.getRuntime().availableProcessors(),
          "split".equals(System.getenv("BENCH_TOPOLOGY"))
              ? "the API process alone (workers beside it)"
              : "the standalone process");
      System.out.printf(
          "| %-34s | %10s | %10s | %10s | %8s | %8s |%n",
          "run", "p50", "p99", "max", "req/s", "errors");
      System.out.println("|---|---|---|---|---|---|");
      for (String[] row : rows) {
        System.out.printf("| %-34s | %10s | %10s | %10s | %8s | %8s |%n", (Object[]) row);
      }
      System.out.printf(
          "%nResident size: Modelyard %d MB after its runs at %d/s, %d MB after the whole run;"
              + " LiteLLM %s%n",
          megabytesAtRate,
          rate,
          modelyardMegabytes,
          litellmMegabytes < 0 ? "not run" : litellmMegabytes + " MB");
    }
  }

  /**
   * Memory over a long run: uncached requests at a fixed rate, minute after minute, each minute's
   * latencies and the resident size after it, so that growth shows.
   */
  private void soak(Path jar, int rate, int minutes) throws Exception {
    String uncached = BODY.formatted("0.5");
    try (FastBackend backend = new FastBackend();
        ModelyardProcess modelyard = ModelyardProcess.start(jar, freePort())) {
      modelyard.registerEndpoint("fast", backend.endpoint());
      URI gateway = modelyard.base().resolve("/v1/chat/completions");
      warm(gateway, uncached);
      System.out.printf(
          "%nModelyard at %d/s for %d minutes, ~1 KB non-streamed bodies%n%n", rate, minutes);
      System.out.printf(
          "| %6s | %10s | %10s | %8s | %8s | %12s |%n",
          "minute", "p50", "p99", "req/s", "errors", "resident MB");
      System.out.println("|---|---|---|---|---|---|");
      for (int minute = 1; minute <= minutes; minute++) {
        String[] row =
            vegeta.atRate(gateway, uncached, AUTHORIZATION, rate, Duration.ofMinutes(1)).row("");
        System.out.printf(
            "| %6d | %10s | %10s | %8s | %8s | %12d |%n",
            minute, row[1], row[2], row[4], row[5], modelyard.residentMegabytes());
      }
    }
  }

  /**
   * Long enough for the JIT to finish: on two cores a compiler thread still busy takes a core from
   * the request path, which shows as a p99 of a few milliseconds (a scheduler time slice); at 15 s
   * the compilers were still using a fifth of the gateway's CPU (BENCH_WARM_UP_SECONDS changes it).
   */
  private static final Duration WARM_UP =
      Duration.ofSeconds(
          Long.parseLong(System.getenv().getOrDefault("BENCH_WARM_UP_SECONDS", "60")));

  /**
   * The open loop, measured after as long again at the same rate: the first seconds at a new rate
   * (connections opened, code paths of concurrency compiled) are not a warm JVM's.
   */
  private Stats atRate(URI uri, String body, int rate, Duration duration) throws Exception {
    vegeta.atRate(uri, body, AUTHORIZATION, rate, duration);
    awaitAnswering(uri, body);
    return vegeta.atRate(uri, body, AUTHORIZATION, rate, duration);
  }

  /**
   * Hits in Redis rather than in the process, one at a time: each body is answered once through the
   * first API process, which caches it in both levels, then asked of a second API process on the
   * same Redis, which has it only there. Rounds of other bodies warm the second process's path for
   * as long as every other path is warmed: it is a JVM started a moment ago.
   */
  private Stats redisHits(ModelyardProcess first, ModelyardProcess second) throws Exception {
    URI through = first.base().resolve("/v1/chat/completions");
    URI replica = second.base().resolve("/v1/chat/completions");
    Duration warming = Duration.ZERO;
    for (int round = 0; warming.compareTo(WARM_UP) < 0; round++) {
      warming =
          warming.plus(
              redisHitRound(first, second, through, replica, "warm-up " + round).duration());
    }
    return redisHitRound(first, second, through, replica, "measured");
  }

  private Stats redisHitRound(
      ModelyardProcess first, ModelyardProcess second, URI through, URI replica, String round)
      throws Exception {
    List<String> bodies = new ArrayList<>(REDIS_HIT_BODIES);
    for (int i = 0; i < REDIS_HIT_BODIES; i++) {
      bodies.add(DISTINCT_BODY.formatted(round, i));
    }
    vegeta.eachOnce(through, bodies, AUTHORIZATION);
    long before = second.redisHits();
    Stats measured = vegeta.eachOnce(replica, bodies, AUTHORIZATION);
    long hits = second.redisHits() - before;
    if (hits != measured.count()) {
      // Both sides: a first process whose Redis breaker was open never wrote what the second
      // looks for; a second whose reads failed counts them in its redis_errors.
      System.out.printf(
          "  %s round: %d of %d requests were Redis hits; the first process's cache: %s;"
              + " the second's: %s%n",
          round, hits, measured.count(), first.cacheReport(), second.cacheReport());
    }
    return measured;
  }

  /** Bodies per round of Redis hits: about ten seconds of them. */
  private static final int REDIS_HIT_BODIES = 15_000;

  private void warm(URI uri, String body) throws Exception {
    vegeta.oneAtATime(uri, body, AUTHORIZATION, WARM_UP);
  }

  private void awaitAnswering(URI uri, String body) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (sequential(uri, body, 1).errors() == 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(uri + " did not answer again within 60 s");
  }

  /** Streams one at a time for as long as every other path is warmed. */
  private void warmStreams(URI uri, String body) throws Exception {
    for (Duration warming = Duration.ZERO; warming.compareTo(WARM_UP) < 0; ) {
      warming = warming.plus(firstEvents(uri, body, 1_000).duration());
    }
  }

  /** Time to the first event of a stream, one stream at a time (each read to its end). */
  private Stats firstEvents(URI uri, String body, int count) throws Exception {
    long[] latencies = new long[count];
    int errors = 0;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long t = System.nanoTime();
      HttpResponse<java.util.stream.Stream<String>> response =
          http.send(request(uri, body), HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200 && errors == 0) {
        System.out.println(
            uri + " stream answered " + response.statusCode() + ": " + response.body().toList());
        errors++;
        continue;
      }
      try (var lines = response.body()) {
        var iterator = lines.iterator();
        while (iterator.hasNext() && !iterator.next().startsWith("data: ")) {}
        latencies[i] = System.nanoTime() - t;
        iterator.forEachRemaining(line -> {});
      }
      if (response.statusCode() != 200) {
        errors++;
      }
    }
    return Stats.of(latencies, errors, System.nanoTime() - start);
  }

  /**
   * Opens {@code count} streams at once and counts every frame each one gets: every chunk, the
   * usage chunk and [DONE]; a stream missing any is a lost frame.
   */
  private String concurrentStreams(URI uri, String body, int count) throws Exception {
    int expected = FastBackend.STREAM_CHUNKS + 2;
    List<CompletableFuture<Integer>> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      streams.add(
          http.sendAsync(request(uri, body), HttpResponse.BodyHandlers.ofLines())
              .thenApply(
                  response -> {
                    try (var lines = response.body()) {
                      return response.statusCode() == 200
                          ? (int) lines.filter(line -> line.startsWith("data: ")).count()
                          : 0;
                    }
                  })
              .exceptionally(failure -> 0));
    }
    int complete = 0;
    long lost = 0;
    for (CompletableFuture<Integer> stream : streams) {
      int frames = stream.join();
      complete += frames == expected ? 1 : 0;
      lost += expected - frames;
    }
    return complete + "/" + count + " complete, " + lost + " frames lost";
  }

  /** A reference proxy's rows, once warm: one at a time and at the rate, each with what it adds. */
  private List<String[]> reference(
      String name,
      ReferenceProxy proxy,
      Duration warmUp,
      Stats directOne,
      Stats directRate,
      Run run)
      throws Exception {
    URI uri = proxy.base().resolve("/v1/chat/completions");
    String uncached = BODY.formatted("0.5");
    vegeta.oneAtATime(uri, uncached, AUTHORIZATION, warmUp);
    Stats one = vegeta.oneAtATime(uri, uncached, AUTHORIZATION, run.sequential());
    Stats atRate = atRate(uri, uncached, run.rate(), run.seconds());
    return List.of(
        one.row(name + ", concurrency 1"),
        added("  added by " + name, one, directOne),
        atRate.row(name + ", " + run.rate() + "/s"),
        added("  added by " + name, atRate, directRate));
  }

  /** How long to run one at a time, and at what rate for how long. */
  private record Run(Duration sequential, int rate, Duration seconds) {}

  private static String[] added(String name, Stats through, Stats direct) {
    return new String[] {
      name,
      Stats.micros(through.p50() - direct.p50()),
      Stats.micros(through.p99() - direct.p99()),
      "",
      "",
      ""
    };
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
    return Stats.of(latencies, errors, System.nanoTime() - start);
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

  /**
   * The standalone jar in its own JVM, in a throwaway data dir: on embedded defaults, or on the
   * services that DATABASE_URL, TEMPORAL_ADDRESS and REDIS_URL name; or, with {@code
   * BENCH_TOPOLOGY=split}, the API and workers jars as two processes on those services.
   * BENCH_JAVA_OPTS replaces their JVM options.
   */
  private static final class ModelyardProcess implements AutoCloseable {

    /**
     * What a small machine should run the gateway with. Measured on two cores at 2,000 requests a
     * second (bench/README.md): G1 held to short pauses kept the p99 at a few milliseconds where
     * the serial collector's longer young pauses let queues of tens to hundreds of milliseconds
     * build, and ZGC's concurrent threads took CPU from the requests and 680 MB of memory. A fixed
     * marking threshold (instead of G1's adaptive one) did better in runs of two minutes and worse
     * over ten, so it is not advised. The API process lives in 256 MB of heap; the standalone one
     * also holds the embedded Temporal server and the workers.
     */
    private static final String API_JAVA_OPTS = "-XX:+UseG1GC -XX:MaxGCPauseMillis=5 -Xmx256m";

    private static final String STANDALONE_JAVA_OPTS =
        "-XX:+UseG1GC -XX:MaxGCPauseMillis=5 -Xmx384m";

    /** The gateway: the standalone process, or the API process in the split topology. */
    private final Process process;

    /** The split topology's workers process; null otherwise. */
    private final Process workers;

    private final URI base;

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * How the split topology's API process was started, to start a replica of it; null for the
     * standalone process and for a replica.
     */
    private final List<String> apiCommand;

    private final Path dataDir;

    private ModelyardProcess(
        Process process, Process workers, URI base, List<String> apiCommand, Path dataDir) {
      this.process = process;
      this.workers = workers;
      this.base = base;
      this.apiCommand = apiCommand;
      this.dataDir = dataDir;
    }

    boolean split() {
      return apiCommand != null;
    }

    /** A second API process on the same database and Redis, serving on {@code port}. */
    ModelyardProcess replica(int port) throws Exception {
      List<String> command = new ArrayList<>();
      for (String word : apiCommand) {
        command.add(word.startsWith("--server.port=") ? "--server.port=" + port : word);
      }
      return started(launch(command, dataDir.resolve("api-replica.log")), null, port, null, null);
    }

    /** Answers this process found in Redis rather than in its own cache, so far. */
    long redisHits() throws Exception {
      String report = cacheReport();
      Matcher hits = REDIS_HITS.matcher(report);
      if (!hits.find()) {
        throw new IllegalStateException("no redis_hits in " + report);
      }
      return Long.parseLong(hits.group(1));
    }

    /** The process's cache counters, as {@code /api/v1/local-llm/metrics/cache} reports them. */
    String cacheReport() throws Exception {
      return get("/api/v1/local-llm/metrics/cache");
    }

    private static final Pattern REDIS_HITS = Pattern.compile("\"redis_hits\":(\\d+)");

    static ModelyardProcess start(Path jar, int port) throws Exception {
      Path dataDir = Files.createTempDirectory("modelyard-bench");
      List<String> gateway =
          List.of(
              "--server.port=" + port,
              "--modelyard.data-dir=" + dataDir,
              // The benchmark is one caller sending thousands of requests a second.
              "--modelyard.rate-limit.requests=60000000",
              "--modelyard.rate-limit.global-requests=60000000",
              "--modelyard.security.admin-key=" + API_KEY,
              "--logging.level.root=WARN");
      if ("split".equals(System.getenv("BENCH_TOPOLOGY"))) {
        return startSplit(port, dataDir, gateway);
      }
      List<String> command = java(STANDALONE_JAVA_OPTS);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(gateway);
      command.add("--modelyard.embedded.temporal-port=0");
      // Embedded defaults unless the shell names real services (the test environment's, say).
      for (String[] service : SERVICES) {
        command.add("--" + service[1] + "=" + System.getenv().getOrDefault(service[0], ""));
      }
      return started(launch(command, dataDir.resolve("modelyard.log")), null, port, null, null);
    }

    private static final List<String[]> SERVICES =
        List.of(
            new String[] {"DATABASE_URL", "modelyard.database.url"},
            new String[] {"TEMPORAL_ADDRESS", "modelyard.temporal.address"},
            new String[] {"REDIS_URL", "modelyard.redis.url"});

    /**
     * As on Kubernetes: the API process alone serves generations, a workers process beside it runs
     * the registration, both on the services the environment names, in a schema of their own.
     */
    private static ModelyardProcess startSplit(int port, Path dataDir, List<String> gateway)
        throws Exception {
      String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      List<String> shared = new ArrayList<>();
      for (String[] service : SERVICES) {
        String value = System.getenv(service[0]);
        if (value == null || value.isBlank()) {
          throw new IllegalStateException(
              "BENCH_TOPOLOGY=split needs "
                  + service[0]
                  + " (set -a; . .modelyard-test/services.env; set +a)");
        }
        shared.add(
            "--"
                + service[1]
                + "="
                + (service[0].equals("DATABASE_URL") ? value + "?currentSchema=" + schema : value));
      }
      shared.addAll(
          List.of("--spring.flyway.schemas=" + schema, "--spring.flyway.create-schemas=true"));
      List<String> workers = java(API_JAVA_OPTS);
      workers.addAll(
          List.of(
              "-jar",
              System.getProperty("modelyard.workers.jar"),
              "--spring.profiles.active=worker",
              "--server.port=" + freePort(),
              "--modelyard.data-dir=" + dataDir,
              "--logging.level.root=WARN"));
      workers.addAll(shared);
      Process workersProcess = launch(workers, dataDir.resolve("workers.log"));
      List<String> api = java(API_JAVA_OPTS);
      api.addAll(List.of("-jar", System.getProperty("modelyard.api.jar")));
      api.addAll(gateway);
      api.addAll(shared);
      return started(launch(api, dataDir.resolve("api.log")), workersProcess, port, api, dataDir);
    }

    /** Once the gateway process answers its health check on {@code port}. */
    private static ModelyardProcess started(
        Process gateway, Process workers, int port, List<String> apiCommand, Path dataDir)
        throws Exception {
      ModelyardProcess modelyard =
          new ModelyardProcess(
              gateway, workers, URI.create("http://127.0.0.1:" + port), apiCommand, dataDir);
      modelyard.awaitUp();
      return modelyard;
    }

    private static List<String> java(String defaultOptions) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("--sun-misc-unsafe-memory-access=allow");
      command.addAll(words(System.getenv().getOrDefault("BENCH_JAVA_OPTS", defaultOptions)));
      return command;
    }

    private static Process launch(List<String> command, Path log) throws IOException {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    }

    URI base() {
      return base;
    }

    private static List<String> words(String options) {
      return Arrays.stream(options.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    void registerEndpoint(String model, URI endpoint) throws Exception {
      post(
          "/api/v1/local-llm/models/register",
          "{\"provider\":\"openai_compatible\",\"model_name\":\"%s\",\"base_url\":\"%s\"}"
              .formatted(model, endpoint));
      Instant deadline = Instant.now().plusSeconds(60);
      while (Instant.now().isBefore(deadline)) {
        if (get("/v1/models").contains("\"" + model + "\"")) {
          return;
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(model + " never became routable");
    }

    /** CPU time the JVM has used so far, every thread together. */
    Duration cpu() {
      return process.toHandle().info().totalCpuDuration().orElseThrow();
    }

    /** The JVM alone: an embedded PostgreSQL is a child process but not the gateway. */
    long residentMegabytes() throws IOException {
      return Resident.megabytes(process, false);
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

    private String get(String path) throws Exception {
      return http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Authorization", AUTHORIZATION)
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
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
      for (Process each : workers == null ? List.of(process) : List.of(process, workers)) {
        each.destroy();
        each.waitFor();
      }
    }
  }
}
