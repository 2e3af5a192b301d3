package dev.modelyard.api;

import dev.modelyard.api.gateway.GenerationOutcome;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generation endpoints that answer at once and leave a {@link GenerationOutcome} on the request as
 * the real ones do. A filter just before the gateway's own last one (which serves generations), so
 * that everything in front of the gateway runs as it does for real, and the gateway never does.
 */
public final class StubGenerations extends OncePerRequestFilter {

  private static final Set<String> PATHS =
      Set.of("/v1/chat/completions", "/api/v1/local-llm/generate");

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /**
   * @param status the status to answer with; a 2xx leaves an outcome, anything else none
   * @param firstTokenMillis for a stream, its time to first token
   */
  public record StubRequest(
      String model,
      String provider,
      Boolean stream,
      Boolean cached,
      Integer promptTokens,
      Integer completionTokens,
      BigDecimal costUsd,
      Integer status,
      Long firstTokenMillis) {}

  private StubGenerations() {}

  public static FilterRegistrationBean<StubGenerations> registration() {
    var registration = new FilterRegistrationBean<>(new StubGenerations());
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 1);
    return registration;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod()) || !PATHS.contains(request.getRequestURI());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    StubRequest body = JSON.readValue(request.getInputStream(), StubRequest.class);
    int status = body.status() == null ? 200 : body.status();
    if (status < 300) {
      boolean stream = Boolean.TRUE.equals(body.stream());
      request.setAttribute(
          GenerationOutcome.ATTRIBUTE,
          new GenerationOutcome(
              request.getRequestURI(),
              body.model() == null ? "stub-model" : body.model(),
              body.provider() == null ? "local_gguf" : body.provider(),
              "stub-instance",
              Boolean.TRUE.equals(body.cached()),
              stream,
              body.promptTokens() == null ? 7 : body.promptTokens(),
              body.completionTokens() == null ? 3 : body.completionTokens(),
              stream
                  ? (body.firstTokenMillis() == null ? 5 : body.firstTokenMillis()) * 1_000_000
                  : -1,
              body.costUsd() == null ? BigDecimal.ZERO : body.costUsd()));
    }
    response.setStatus(status);
    response.setContentType("application/json");
    response.getOutputStream().write("{\"text\":\"stub answer\"}".getBytes(StandardCharsets.UTF_8));
  }
}
