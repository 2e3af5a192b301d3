package dev.modelyard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator: Vegeta (Go, {@code github.com/tsenart/vegeta}), one request at a time or at a
 * fixed rate whether or not earlier requests have come back. On two cores the load generator's CPU
 * is taken from the processes it measures: at 2,000 requests a second {@code java.net.http} spent
 * about 280 µs of CPU per request, Vegeta about 180 µs.
 */
final class Vegeta {

  private static final Pattern LATENCY = Pattern.compile("\"(50th|99th|max)\":(\\d+)");
  private static final Pattern REQUESTS = Pattern.compile("\"requests\":(\\d+)");
  private static final Pattern THROUGHPUT = Pattern.compile("\"throughput\":([0-9.eE+-]+)");
  private static final Pattern STATUSES = Pattern.compile("\"status_codes\":(\\{[^}]*\\})");
  private static final Pattern ERRORS = Pattern.compile("\"errors\":(\\[.*?\\])");
  private static final Pattern OK = Pattern.compile("\"status_codes\":\\{[^}]*\"200\":(\\d+)");

  private static final String NO_TARGETS = "no targets to attack";

  private final Path bin;

  Vegeta(Path bin) {
    this.bin = bin;
  }

  /** One request at a time, each sent when the previous one has come back. */
  Stats oneAtATime(URI uri, String body, String authorization, Duration duration)
      throws IOException, InterruptedException {
    return attack(
        List.of(body), uri, authorization, duration, "-rate=0", "-max-workers=1", "-workers=1");
  }

  /** Open loop: {@code rate} requests a second, each on schedule. */
  Stats atRate(URI uri, String body, String authorization, int rate, Duration duration)
      throws IOException, InterruptedException {
    return attack(List.of(body), uri, authorization, duration, "-rate=" + rate + "/s");
  }

  /** One request at a time, each of {@code bodies} once, in order. */
  Stats eachOnce(URI uri, List<String> bodies, String authorization)
      throws IOException, InterruptedException {
    // Read lazily, the targets run out after the last body, which ends the attack.
    return attack(
        bodies,
        uri,
        authorization,
        Duration.ZERO,
        "-lazy",
        "-rate=0",
        "-max-workers=1",
        "-workers=1");
  }

  private Stats attack(
      List<String> bodies, URI uri, String authorization, Duration duration, String... pace)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("modelyard-vegeta");
    // Vegeta's JSON targets carry each request's own body (base64) and headers.
    StringBuilder lines = new StringBuilder();
    for (String body : bodies) {
      lines
          .append("{\"method\":\"POST\",\"url\":\"")
          .append(uri)
          .append("\",\"body\":\"")
          .append(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
          .append("\",\"header\":{\"Content-Type\":[\"application/json\"],\"Authorization\":[\"")
          .append(authorization)
          .append("\"]}}\n");
    }
    Path targets = Files.writeString(dir.resolve("targets.json"), lines);
    Path results = dir.resolve("results.bin");
    List<String> command =
        new ArrayList<>(
            List.of(
                bin.toString(),
                "attack",
                "-format=json",
                "-targets=" + targets,
                // 0 runs until the targets run out
                "-duration=" + duration.toMillis() + "ms",
                "-timeout=30s",
                "-output=" + results));
    command.addAll(List.of(pace));
    run(command);
    String report = run(List.of(bin.toString(), "report", "-type=json", results.toString()));
    Files.delete(results);
    Files.delete(targets);
    Files.delete(dir);
    return parse(report);
  }

  private static Stats parse(String report) {
    long p50 = -1;
    long p99 = -1;
    long max = -1;
    Matcher latency = LATENCY.matcher(report);
    while (latency.find()) {
      long nanos = Long.parseLong(latency.group(2));
      switch (latency.group(1)) {
        case "50th" -> p50 = nanos;
        case "99th" -> p99 = nanos;
        default -> max = nanos;
      }
    }
    long requests = Long.parseLong(find(REQUESTS, report, "0"));
    if (report.contains(NO_TARGETS)) {
      // A lazy attack's end: one result for the target that was not there, no request sent.
      requests--;
    }
    long ok = Long.parseLong(find(OK, report, "0"));
    double throughput = Double.parseDouble(find(THROUGHPUT, report, "0"));
    if (p50 < 0 || requests == 0) {
      throw new IllegalStateException("vegeta reported no requests: " + report);
    }
    if (ok < requests) {
      // What went wrong, as Vegeta counted it: the statuses and the distinct errors.
      String errors = find(ERRORS, report, "[]");
      System.out.println(
          "  "
              + find(STATUSES, report, "{}")
              + " "
              + errors.substring(0, Math.min(600, errors.length())));
    }
    return new Stats(p50, p99, max, throughput, (int) (requests - ok), requests);
  }

  private static String find(Pattern pattern, String text, String otherwise) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? matcher.group(1) : otherwise;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
