package dev.modelyard.api.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Where a request carries its credential: {@code Authorization: Bearer …} (an API key or a JWT), or
 * {@code X-API-Key}, which some OpenAI-compatible clients send instead. Never a query parameter:
 * URLs end up in logs. Endpoints open to anyone (health) never look at a credential, so that a
 * probe sending a stale one still gets its answer.
 */
final class CallerTokens implements BearerTokenResolver {

  static final String API_KEY_HEADER = "X-API-Key";
  private static final String BEARER = "Bearer ";

  @Override
  public String resolve(HttpServletRequest request) {
    if (EndpointAccess.ruleFor(request.getMethod(), RequestPaths.path(request)).required()
        == null) {
      return null;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null
        && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && !authorization.substring(BEARER.length()).isBlank()) {
      return authorization.substring(BEARER.length()).strip();
    }
    String header = request.getHeader(API_KEY_HEADER);
    return header != null && !header.isBlank() ? header.strip() : null;
  }
}
