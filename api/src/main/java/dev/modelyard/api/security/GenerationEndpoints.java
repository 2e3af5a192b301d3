package dev.modelyard.api.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The endpoints that generate: the hot path, which {@link GenerationCallerFilter} authenticates in
 * place of Spring Security's filter chain, and whose requests the gateway meters count. One matcher
 * serves the chain and the filter, so a request is either ignored by the chain and checked by the
 * filter, or the other way round, never neither.
 */
public final class GenerationEndpoints {

  private static final Set<String> PATHS =
      Set.of(
          "/v1/chat/completions",
          "/v1/completions",
          "/v1/embeddings",
          "/api/v1/local-llm/generate");

  /**
   * A set lookup of the path within the application, decoded as the chain's matchers decode it: a
   * composite of path-pattern matchers did the same at several times the cost, on every request.
   */
  static final RequestMatcher MATCHER =
      request ->
          HttpMethod.POST.matches(request.getMethod())
              && PATHS.contains(RequestPaths.path(request));

  private GenerationEndpoints() {}

  static boolean matches(HttpServletRequest request) {
    return MATCHER.matches(request);
  }

  /** Whether a path within the application is a generation endpoint's, whatever the method. */
  public static boolean contains(String pathWithinApplication) {
    return PATHS.contains(pathWithinApplication);
  }
}
