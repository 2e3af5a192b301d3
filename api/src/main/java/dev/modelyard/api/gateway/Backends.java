package dev.modelyard.api.gateway;

import dev.modelyard.api.autoscaling.LoadMeter;
import dev.modelyard.infra.providers.Snippets;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.RelayClient;
import dev.modelyard.infra.providers.openai.StreamTimeouts;
import dev.modelyard.infra.providers.openai.StreamedAnswer;
import dev.modelyard.infra.providers.openai.UpstreamException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One call to one instance, guarded: a circuit breaker and a bulkhead per instance, its in-flight
 * count and latency recorded, and the first-token and total timeouts enforced. Deciding what to do
 * when a call fails is the {@link Gateway}'s.
 */
@Component
class Backends implements DisposableBean {

  private static final String DONE = "[DONE]";
  private static final Logger log = LoggerFactory.getLogger(Backends.class);

  private final GatewaySettings settings;
  private final LoadMeter meter;
  private final RelayClient client;
  private final CircuitBreakerRegistry breakers;
  private final BulkheadRegistry bulkheads;

  Backends(GatewaySettings settings, LoadMeter meter) {
    this.settings = settings;
    this.meter = meter;
    this.client = new RelayClient(settings.connectTimeout());
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    breakers
        .getEventPublisher()
        .onEntryAdded(
            added ->
                added
                    .getAddedEntry()
                    .getEventPublisher()
                    .onStateTransition(
                        event ->
                            log.warn(
                                "instance {}: circuit {}",
                                event.getCircuitBreakerName(),
                                event.getStateTransition())));
    this.bulkheads =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentPerInstance())
                .maxWaitDuration(Duration.ZERO)
                .build());
  }

  CircuitBreaker.State breakerState(String instanceId) {
    return breakers.circuitBreaker(instanceId).getState();
  }

  /**
   * The whole answer of a non-streamed call, or null if the instance is skipped (its breaker is
   * open or its bulkhead full).
   */
  byte[] complete(Candidate candidate, Endpoint endpoint, byte[] body)
      throws IOException, InterruptedException {
    Guard guard = enter(candidate);
    if (guard == null) {
      return null;
    }
    try {
      byte[] answer =
          client.post(
              URI.create(candidate.instance().endpoint()),
              endpoint.path(),
              body,
              settings.totalTimeout());
      guard.succeeded();
      return answer;
    } catch (IOException | RuntimeException e) {
      guard.failed(e);
      throw e;
    } catch (InterruptedException e) {
      guard.abandoned();
      throw e;
    } finally {
      guard.exit();
    }
  }

  /**
   * A stream that has sent its first event, or null if the instance is skipped. The first event
   * must come within the first-token timeout, no silence between events may last longer, and the
   * stream must end within the total timeout; past any, the upstream is cut, which fails the read.
   */
  UpstreamStream open(Candidate candidate, Endpoint endpoint, byte[] body)
      throws IOException, InterruptedException {
    Guard guard = enter(candidate);
    if (guard == null) {
      return null;
    }
    StreamedAnswer upstream = null;
    try {
      upstream =
          client.stream(
              URI.create(candidate.instance().endpoint()), endpoint.path(), body, streamTimeouts());
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(upstream, StandardCharsets.UTF_8));
      String first = nextEvent(lines);
      if (first == null) {
        throw new IOException("the stream ended before its first event");
      }
      if (carriesError(first)) {
        // Nothing has reached the client yet: fail over, or refuse with a 4xx, as if the instance
        // had answered so (vLLM reports a failure that comes before its first token so).
        int status = statusOf(first);
        String message = "the stream's first event was an error: " + Snippets.of(first);
        throw status > 0 ? new UpstreamException(status, message) : new IOException(message);
      }
      upstream.firstEventArrived();
      // The first event is the breaker's success, so that a recovering instance is back in
      // rotation at once rather than after its whole answer; a failure after it counts as well.
      guard.succeeded();
      return new UpstreamStream(first, lines, guard::exit, guard::failed);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (upstream != null) {
        closeQuietly(upstream);
      }
      if (e instanceof InterruptedException) {
        guard.abandoned();
      } else {
        guard.failed(e);
      }
      guard.exit();
      throw e;
    }
  }

  /**
   * A cloud provider's stream under the same deadlines as an instance's: without them, a provider
   * that sent its headers and then nothing would hold the request for ever. Its first event is due
   * within what is {@code left} of the first-token timeout after the provider accepted it.
   */
  StreamedAnswer watched(InputStream stream, Duration left) {
    StreamTimeouts timeouts = streamTimeouts();
    Duration firstEvent = left.isPositive() ? left : Duration.ofMillis(1);
    return client.watched(
        stream, new StreamTimeouts(firstEvent, timeouts.quiet(), timeouts.total()));
  }

  /** A backend silent as long as a first token may take has hung. */
  private StreamTimeouts streamTimeouts() {
    return new StreamTimeouts(
        settings.firstTokenTimeout(), settings.firstTokenTimeout(), settings.totalTimeout());
  }

  /** The data of the next server-sent event, or null at the end of the stream or at [DONE]. */
  static String nextEvent(BufferedReader lines) throws IOException {
    String data = nextData(lines);
    return DONE.equals(data) ? null : data;
  }

  /** The data of the next server-sent event, [DONE] included; null at the end of the body. */
  private static String nextData(BufferedReader lines) throws IOException {
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.startsWith("data:")) {
        return line.substring(5).strip();
      }
    }
    return null;
  }

  private Guard enter(Candidate candidate) {
    CircuitBreaker breaker = breakers.circuitBreaker(candidate.id());
    if (!breaker.tryAcquirePermission()) {
      return null;
    }
    Bulkhead bulkhead = bulkheads.bulkhead(candidate.id());
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      return null;
    }
    candidate.load().started();
    return new Guard(
        breaker,
        bulkhead,
        candidate.load(),
        meter.started(candidate.instance().provider(), candidate.instance().modelName()),
        System.nanoTime());
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      log.debug("closing an upstream stream failed", e);
    }
  }

  @Override
  public void destroy() throws IOException {
    client.close();
  }

  /** Held for one call: releases the bulkhead, reports to the breaker, records the latency. */
  private record Guard(
      CircuitBreaker breaker,
      Bulkhead bulkhead,
      InstanceLoad load,
      LoadMeter.Call call,
      long start) {

    long elapsed() {
      return System.nanoTime() - start;
    }

    void succeeded() {
      breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
    }

    /** A 4xx is the request's fault, not the instance's: it does not count against the breaker. */
    void failed(Throwable e) {
      if (e instanceof UpstreamException upstream && Gateway.isRequestsFault(upstream)) {
        breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
      } else {
        breaker.onError(elapsed(), TimeUnit.NANOSECONDS, e);
      }
    }

    /**
     * The caller was interrupted (the process is stopping): neither success nor failure of the
     * instance, but the breaker's permission goes back, or a half-open breaker would wait for this
     * call's outcome for ever.
     */
    void abandoned() {
      breaker.releasePermission();
    }

    void exit() {
      bulkhead.onComplete();
      load.finished(elapsed());
      call.finished();
    }
  }

  /**
   * An event that reports a failure rather than a piece of the answer (vLLM sends one, then
   * [DONE]): relayed as it is, but the answer is not cached. Parsed only when it could be one.
   */
  static boolean carriesError(String data) {
    if (!data.contains("\"error\"")) {
      return false;
    }
    try {
      JsonNode event = OpenAiJson.MAPPER.readTree(data);
      return event.has("error") || "error".equals(event.path("object").asString(null));
    } catch (JacksonException e) {
      return false;
    }
  }

  /** The HTTP status an error event's {@code error.code} names, or 0 when it names none. */
  private static int statusOf(String event) {
    try {
      JsonNode code = OpenAiJson.MAPPER.readTree(event).path("error").path("code");
      String digits = code.isIntegralNumber() ? code.asString() : code.asString("");
      int status = digits.matches("\\d{3}") ? Integer.parseInt(digits) : 0;
      return status >= 400 && status < 600 ? status : 0;
    } catch (JacksonException e) {
      return 0;
    }
  }

  /**
   * An upstream stream whose first event has arrived; closing it ends the upstream request and
   * releases the instance.
   */
  static final class UpstreamStream implements AutoCloseable {

    private final String firstEvent;
    private final BufferedReader lines;
    private final Runnable release;
    private final Consumer<Exception> failedMidStream;
    private boolean finished;
    private boolean failed;
    private boolean closed;

    /**
     * @param release lets go of the instance (or the cloud call's cost hold) when closed
     * @param failedMidStream told once if the stream fails after its first event: a read that
     *     fails, a body that ends before [DONE], or an error event
     */
    UpstreamStream(
        String firstEvent,
        BufferedReader lines,
        Runnable release,
        Consumer<Exception> failedMidStream) {
      this.firstEvent = firstEvent;
      this.lines = lines;
      this.release = release;
      this.failedMidStream = failedMidStream;
    }

    String firstEvent() {
      return firstEvent;
    }

    /** The next event's data, or null at the end. */
    String next() throws IOException {
      String data;
      try {
        data = nextData(lines);
      } catch (IOException e) {
        failed(e);
        throw e;
      }
      if (DONE.equals(data)) {
        finished = true;
        return null;
      }
      if (data == null) {
        failed(new IOException("the stream ended before [DONE]"));
      }
      return data;
    }

    /**
     * The stream carried an error event (vLLM reports a failure mid-stream so). One whose code says
     * the request was at fault (a 400 for a schema it cannot follow) is the request's, as a 4xx
     * answer is: it does not count against the instance's breaker, or a few such requests would
     * open it for everyone.
     */
    void carriedError(String event) {
      String message = "the stream carried an error: " + event;
      int status = statusOf(event);
      failed(status > 0 ? new UpstreamException(status, message) : new IOException(message));
    }

    private void failed(Exception e) {
      if (!failed) {
        failed = true;
        failedMidStream.accept(e);
      }
    }

    /**
     * Whether the upstream said its answer is complete ([DONE]); a body that just ends was cut
     * (llama.cpp's server reports a failure mid-stream as an {@code error:} line, then ends).
     */
    boolean finished() {
      return finished;
    }

    /**
     * Reads what follows the last event (a server ends its body right after {@code [DONE]}), so
     * that the connection goes back to the pool instead of being cut; a server that keeps sending
     * is cut by the total timeout all the same, and a failure here is not the answer's.
     */
    void drain() {
      try {
        while (lines.readLine() != null) {
          // nothing after [DONE] is an event
        }
      } catch (IOException e) {
        // The client has its whole answer; only this connection's reuse is lost.
        log.debug("the rest of a finished stream could not be read", e);
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lines.close();
      } finally {
        release.run();
      }
    }
  }
}
