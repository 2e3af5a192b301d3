package dev.modelyard.api.security;

import static org.springframework.http.HttpMethod.POST;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The requests that generate: the hot path, which {@link GenerationCallerFilter} authenticates in
 * place of Spring Security's filter chain. One matcher serves both, so a request is either ignored
 * by the chain and checked by the filter, or the other way round, never neither.
 */
final class GenerationEndpoints {

  static final RequestMatcher MATCHER =
      new OrRequestMatcher(
          List.of(
                  "/v1/chat/completions",
                  "/v1/completions",
                  "/v1/embeddings",
                  "/api/v1/local-llm/generate")
              .stream()
              .map(
                  path ->
                      (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(POST, path))
              .toList());

  private GenerationEndpoints() {}

  static boolean matches(HttpServletRequest request) {
    return MATCHER.matches(request);
  }
}
