package dev.modelyard.api.audit;

import dev.modelyard.api.errors.RecordedStatus;
import dev.modelyard.api.gateway.GenerationOutcome;
import dev.modelyard.api.gateway.PlannedModel;
import dev.modelyard.api.ratelimit.Callers;
import dev.modelyard.api.security.RequestPaths;
import dev.modelyard.infra.audit.AuditLog;
import dev.modelyard.infra.audit.AuditRecord;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Records every API call once its answer is complete: it hands a record to the {@link AuditLog}
 * queue and goes on, so the request never waits on the database. A generation endpoint leaves a
 * {@link GenerationOutcome} on the request, which fills in model, instance, tokens and cost.
 * Actuator calls (Prometheus scrapes every few seconds, health probes) are not API calls.
 */
final class AuditFilter extends OncePerRequestFilter {

  private final AuditLog log;
  private final Clock clock;
  private final boolean recordBodies;
  private final int bodyLimit;

  AuditFilter(AuditLog log, AuditSettings settings, Clock clock) {
    this.log = log;
    this.clock = clock;
    this.recordBodies = settings.recordBodies();
    this.bodyLimit = (int) settings.bodyLimit().toBytes();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return RequestPaths.path(request).startsWith("/actuator");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Instant at = clock.instant();
    long started = System.nanoTime();
    HttpServletRequest in =
        recordBodies ? new ContentCachingRequestWrapper(request, bodyLimit) : request;
    TeeResponse out = recordBodies ? new TeeResponse(response, bodyLimit) : null;
    Throwable failure = null;
    try {
      chain.doFilter(in, out != null ? out : response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (out != null) {
        out.flushWriter();
      }
      if (failure == null && request.isAsyncStarted()) {
        request
            .getAsyncContext()
            .addListener(
                new AsyncListener() {
                  @Override
                  public void onComplete(AsyncEvent event) {
                    record(in, response, out, at, started, null);
                  }

                  @Override
                  public void onTimeout(AsyncEvent event) {}

                  @Override
                  public void onError(AsyncEvent event) {}

                  @Override
                  public void onStartAsync(AsyncEvent event) {}
                });
      } else {
        record(in, response, out, at, started, failure);
      }
    }
  }

  private void record(
      HttpServletRequest request,
      HttpServletResponse response,
      TeeResponse tee,
      Instant at,
      long started,
      Throwable failure) {
    int latencyMs =
        (int)
            Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    // An exception past every handler becomes a 500 on the error dispatch; a client gone, a 499.
    int status = RecordedStatus.of(response.getStatus(), failure);
    GenerationOutcome outcome =
        request.getAttribute(GenerationOutcome.ATTRIBUTE) instanceof GenerationOutcome o ? o : null;
    // A failed generation is recorded under the model it was routed to, if one was chosen.
    PlannedModel routed =
        PlannedModel.answering(
            outcome,
            request.getAttribute(PlannedModel.ATTRIBUTE) instanceof PlannedModel p ? p : null);
    String prompt = null;
    String answer = null;
    if (outcome != null && request instanceof ContentCachingRequestWrapper cached) {
      prompt = new String(cached.getContentAsByteArray(), StandardCharsets.UTF_8);
      answer = tee == null ? null : tee.captured();
    }
    log.record(
        new AuditRecord(
            at,
            Callers.identify(request),
            request.getMethod(),
            RequestPaths.path(request),
            routed == null ? null : routed.model(),
            routed == null ? null : routed.provider(),
            outcome == null ? null : outcome.instanceId(),
            outcome == null ? null : outcome.promptTokens(),
            outcome == null ? null : outcome.completionTokens(),
            latencyMs,
            status,
            outcome != null && outcome.cached(),
            outcome == null ? null : outcome.costUsd(),
            prompt,
            answer));
  }
}
