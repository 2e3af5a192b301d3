package dev.modelyard.api;

import dev.modelyard.api.gateway.GenerationOutcome;
import java.math.BigDecimal;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Generation endpoints that answer at once and leave a {@link GenerationOutcome} on the request as
 * the real ones do. A router function, not a controller, so that no component scan picks it up;
 * functional routes are matched before annotated controllers, so it shadows the gateway's endpoints
 * in the application that registers it.
 */
public final class StubGenerations {

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

  public static RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .POST("/v1/chat/completions", StubGenerations::generate)
        .POST("/api/v1/local-llm/generate", StubGenerations::generate)
        .build();
  }

  private static ServerResponse generate(ServerRequest request) throws Exception {
    StubRequest body = request.body(StubRequest.class);
    int status = body.status() == null ? 200 : body.status();
    if (status < 300) {
      boolean stream = Boolean.TRUE.equals(body.stream());
      request
          .servletRequest()
          .setAttribute(
              GenerationOutcome.ATTRIBUTE,
              new GenerationOutcome(
                  request.path(),
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
    return ServerResponse.status(status).body("{\"text\":\"stub answer\"}");
  }
}
