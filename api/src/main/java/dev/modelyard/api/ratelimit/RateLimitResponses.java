package dev.modelyard.api.ratelimit;

import dev.modelyard.api.errors.OpenAiErrorBody;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The headers every limited response carries, and the 429's body in the format its client reads:
 * OpenAI's error object on {@code /v1/**}, an RFC 9457 problem elsewhere. The filter writes them
 * itself because it answers before any controller or advice is involved.
 */
final class RateLimitResponses {

  static final String LIMIT = "X-RateLimit-Limit";
  static final String REMAINING = "X-RateLimit-Remaining";

  /** Seconds until the whole budget is back, as a delta (like Retry-After), not a timestamp. */
  static final String RESET = "X-RateLimit-Reset";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RateLimitResponses() {}

  static void addHeaders(HttpServletResponse response, RateLimitDecision decision) {
    response.setHeader(LIMIT, Integer.toString(decision.limit().requests()));
    response.setHeader(REMAINING, Long.toString(decision.remaining()));
    response.setHeader(RESET, Long.toString(decision.resetSeconds()));
    if (!decision.allowed()) {
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    }
  }

  static void writeRefusal(
      HttpServletResponse response, RateLimitDecision decision, PathFamily family, String path)
      throws IOException {
    response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
    String message = message(decision);
    Object body;
    if (family == PathFamily.OPENAI) {
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      body = OpenAiErrorBody.of(message, "rate_limit_exceeded", null, "rate_limit_exceeded");
    } else {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      body =
          new Problem(
              "about:blank",
              HttpStatus.TOO_MANY_REQUESTS.getReasonPhrase(),
              HttpStatus.TOO_MANY_REQUESTS.value(),
              message,
              path);
    }
    JSON.writeValue(response.getOutputStream(), body);
  }

  private static String message(RateLimitDecision decision) {
    String rate =
        decision.limit().requests()
            + " requests per "
            + decision.limit().window().toSeconds()
            + " s";
    String whose =
        decision.scope() == RateLimitDecision.Scope.GLOBAL
            ? "the server's rate limit of " + rate + " for all callers is reached"
            : "rate limit of " + rate + " reached for this API key or address";
    return whose + "; retry in " + decision.retryAfterSeconds() + " s";
  }

  /** RFC 9457's members, as ProblemDetailsAdvice writes them for the other errors. */
  record Problem(String type, String title, int status, String detail, String instance) {}
}
