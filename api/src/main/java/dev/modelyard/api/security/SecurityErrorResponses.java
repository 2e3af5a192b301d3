package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Ticker;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 for a missing or bad credential, 403 for a caller whose roles do not reach the endpoint, 429
 * for a key that cannot be checked now because its address presented too many unknown ones, 503 for
 * one the key store could not answer for.
 */
final class SecurityErrorResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final Logger log = LoggerFactory.getLogger(SecurityErrorResponses.class);

  static final String MISSING =
      "this endpoint needs an API key (Authorization: Bearer my-…, or X-API-Key) or a bearer"
          + " token";
  static final String INVALID = "the API key or token is not valid, has expired or was revoked";

  /** When a client refused because the key store or the JWKS did not answer may try again. */
  static final Duration RETRY_UNCHECKED_AFTER = Duration.ofSeconds(5);

  /**
   * During an outage every uncached key fails alike: one warning a minute says so, with how many
   * were refused since, rather than a stack trace per request.
   */
  static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  private static final long NEVER = Long.MIN_VALUE;

  private final Ticker ticker;
  private final AtomicLong lastWarning = new AtomicLong(NEVER); // the ticker's nanoseconds
  private final AtomicLong refusedSinceWarning = new AtomicLong();

  SecurityErrorResponses(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (e instanceof KeyLookupsRefusedException refused) {
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
      ErrorBodies.write(
          request,
          response,
          HttpStatus.TOO_MANY_REQUESTS,
          refused.getMessage(),
          "rate_limit_exceeded",
          "rate_limit_exceeded");
      return;
    }
    // Anonymous access to a protected endpoint arrives here as "insufficient"; anything else
    // means a credential was presented and refused.
    boolean missing = e instanceof InsufficientAuthenticationException;
    response.setHeader(
        HttpHeaders.WWW_AUTHENTICATE, missing ? "Bearer" : "Bearer error=\"invalid_token\"");
    ErrorBodies.write(
        request,
        response,
        HttpStatus.UNAUTHORIZED,
        missing ? MISSING : INVALID,
        missing ? "missing_api_key" : "invalid_api_key");
  }

  /**
   * A credential that could not be checked: our failure when the key store did not answer (503,
   * which a client may retry), else refused as {@link #commence} refuses it.
   */
  void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (e instanceof AuthenticationServiceException) {
      warnOfOutage(e);
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_UNCHECKED_AFTER.toSeconds()));
      ErrorBodies.write(
          request,
          response,
          HttpStatus.SERVICE_UNAVAILABLE,
          "the API key or token cannot be checked now; try again shortly",
          "service_unavailable");
      return;
    }
    commence(request, response, e);
  }

  private void warnOfOutage(AuthenticationException e) {
    long refused = refusedSinceWarning.incrementAndGet();
    long now = ticker.read();
    long last = lastWarning.get();
    if ((last != NEVER && now - last < WARNING_INTERVAL.toNanos())
        || !lastWarning.compareAndSet(last, now)) {
      log.debug("callers cannot be authenticated now", e);
      return;
    }
    // Less what this thread saw, not set to 0: refusals counted meanwhile go into the next warning.
    refusedSinceWarning.addAndGet(-refused);
    log.warn(
        "callers cannot be authenticated now ({} refused with 503 since the last warning; the next"
            + " warning in {} s at the earliest)",
        refused,
        WARNING_INTERVAL.toSeconds(),
        e);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    // The caller is known, though refused: the audit log names it as its allowed calls name it,
    // not by its key's hash.
    Authentication caller = SecurityContextHolder.getContext().getAuthentication();
    if (caller != null && !(caller instanceof AnonymousAuthenticationToken)) {
      request.setAttribute(Caller.NAME_ATTRIBUTE, caller.getName());
    }
    String path = RequestPaths.path(request);
    EndpointAccess.Rule rule = EndpointAccess.ruleFor(request.getMethod(), path);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
    ErrorBodies.write(
        request,
        response,
        HttpStatus.FORBIDDEN,
        "this caller's roles do not allow this endpoint; allowed: " + rule.allowed(),
        "insufficient_permissions");
  }
}
