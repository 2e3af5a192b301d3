package dev.modelyard.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates and authorises the {@link GenerationEndpoints} in one step, instead of Spring
 * Security's general filter chain, which ignores them: on the gateway's hot path that chain cost
 * more CPU per request than routing and relaying the generation itself. Same credentials ({@link
 * CallerTokens}), same authentication ({@link CallerAuthenticationManager}), same rules ({@link
 * EndpointAccess}) and the same 401 and 403 bodies ({@link SecurityErrorResponses}).
 */
final class GenerationCallerFilter extends OncePerRequestFilter {

  private final CallerTokens tokens = new CallerTokens();
  private final AuthenticationManager callers;
  private final SecurityErrorResponses errors;

  GenerationCallerFilter(AuthenticationManager callers, SecurityErrorResponses errors) {
    this.callers = callers;
    this.errors = errors;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !GenerationEndpoints.matches(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // What Spring Security's header writer would have added to these JSON answers.
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    String token = tokens.resolve(request);
    if (token == null) {
      errors.commence(
          request,
          response,
          new InsufficientAuthenticationException(SecurityErrorResponses.MISSING));
      return;
    }
    Authentication caller;
    try {
      BearerTokenAuthenticationToken presented = new BearerTokenAuthenticationToken(token);
      presented.setDetails(new WebAuthenticationDetails(request.getRemoteAddr(), null));
      caller = callers.authenticate(presented);
    } catch (AuthenticationException e) {
      errors.failed(request, response, e);
      return;
    }
    EndpointAccess.Rule rule =
        EndpointAccess.ruleFor(request.getMethod(), RequestPaths.path(request));
    if (!granted(caller, rule)) {
      SecurityContextHolder.setContext(new SecurityContextImpl(caller));
      try {
        errors.handle(request, response, new AccessDeniedException("insufficient roles"));
      } finally {
        SecurityContextHolder.clearContext();
      }
      return;
    }
    // Also where Spring Security would hold it, for code that asks the context (Caller.current).
    SecurityContextHolder.setContext(new SecurityContextImpl(caller));
    try {
      chain.doFilter(new AuthenticatedRequest(request, caller), response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  private static boolean granted(Authentication caller, EndpointAccess.Rule rule) {
    return EndpointAccess.allows(rule, Caller.of(caller).map(Caller::roles).orElse(Set.of()));
  }

  /** The request as its authenticated caller made it: its principal is the caller. */
  private static final class AuthenticatedRequest extends HttpServletRequestWrapper {

    private final Authentication caller;

    AuthenticatedRequest(HttpServletRequest request, Authentication caller) {
      super(request);
      this.caller = caller;
    }

    @Override
    public Principal getUserPrincipal() {
      return caller;
    }
  }
}
