package dev.modelyard.api.metrics;

import dev.modelyard.api.errors.RecordedStatus;
import dev.modelyard.api.gateway.GenerationOutcome;
import dev.modelyard.api.gateway.PlannedModel;
import dev.modelyard.api.security.GenerationEndpoints;
import dev.modelyard.api.security.RequestPaths;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Feeds {@link GatewayMetrics} once a generation request's answer is complete, refused and failed
 * ones included, reading what was served from the {@link GenerationOutcome} the endpoint left.
 */
final class GatewayMetricsFilter extends OncePerRequestFilter {

  private final GatewayMetrics metrics;

  GatewayMetricsFilter(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !GenerationEndpoints.contains(RequestPaths.path(request));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long started = System.nanoTime();
    Throwable failure = null;
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure == null && request.isAsyncStarted()) {
        request
            .getAsyncContext()
            .addListener(
                new AsyncListener() {
                  @Override
                  public void onComplete(AsyncEvent event) {
                    record(request, response, started, null);
                  }

                  @Override
                  public void onTimeout(AsyncEvent event) {}

                  @Override
                  public void onError(AsyncEvent event) {}

                  @Override
                  public void onStartAsync(AsyncEvent event) {}
                });
      } else {
        record(request, response, started, failure);
      }
    }
  }

  private void record(
      HttpServletRequest request, HttpServletResponse response, long started, Throwable failure) {
    int status = RecordedStatus.of(response.getStatus(), failure);
    metrics.record(
        status,
        System.nanoTime() - started,
        request.getAttribute(GenerationOutcome.ATTRIBUTE) instanceof GenerationOutcome o ? o : null,
        request.getAttribute(PlannedModel.ATTRIBUTE) instanceof PlannedModel p ? p : null);
  }
}
