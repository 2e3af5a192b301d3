package dev.modelyard.api.ratelimit;

import dev.modelyard.api.security.RequestPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts each generation request against its caller's and the global limit before any work is done,
 * answers a refused one with a 429, and tells every limited response its budget in {@code
 * X-RateLimit-*} headers. Late, after Boot's own filters, so that a 429 is still observed in the
 * HTTP metrics; and before the gateway's own last filter, which serves generations.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class RateLimitFilter extends OncePerRequestFilter {

  private final RateLimiter limiter;

  RateLimitFilter(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return family(request).isEmpty();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    RateLimitDecision decision =
        limiter.acquire(Callers.identify(request), Callers.ownRequestLimit(request));
    RateLimitResponses.addHeaders(response, decision);
    if (decision.allowed()) {
      chain.doFilter(request, response);
    } else {
      RateLimitResponses.writeRefusal(
          response, decision, family(request).orElseThrow(), RequestPaths.uri(request));
    }
  }

  /**
   * By the path as the dispatcher matches it: an encoded or doubled slash, or a ";jsessionid",
   * cannot reach a handler unlimited.
   */
  private static Optional<PathFamily> family(HttpServletRequest request) {
    return PathFamily.of(RequestPaths.path(request));
  }
}
