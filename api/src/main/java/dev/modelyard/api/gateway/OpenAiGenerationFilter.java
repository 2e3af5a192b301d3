package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.OpenAiErrorBody;
import dev.modelyard.api.security.RequestPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves OpenAI's generation endpoints from the end of the filter chain, after security, the body
 * limit, the rate limit, the audit log and the meters have done their part, so that the hot path
 * skips Spring MVC's dispatch (handler lookup, argument resolution, reflective call), which cost a
 * fifth of the gateway's CPU per request. {@link OpenAiController}'s mappings stay: they are what
 * the OpenAPI document describes, and they serve what this filter leaves to them (a body that is
 * not JSON, for MVC's 415).
 */
final class OpenAiGenerationFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(OpenAiGenerationFilter.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JSON_TYPE = MediaType.APPLICATION_JSON_VALUE;

  private static final Map<String, Endpoint> ENDPOINTS =
      Map.of(
          Endpoint.CHAT.path(), Endpoint.CHAT,
          Endpoint.COMPLETIONS.path(), Endpoint.COMPLETIONS,
          Endpoint.EMBEDDINGS.path(), Endpoint.EMBEDDINGS);

  private final OpenAiController controller;

  OpenAiGenerationFilter(OpenAiController controller) {
    this.controller = controller;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String type = request.getContentType();
    return !HttpMethod.POST.matches(request.getMethod())
        || type == null
        || !type.regionMatches(true, 0, JSON_TYPE, 0, JSON_TYPE.length())
        || !ENDPOINTS.containsKey(RequestPaths.path(request));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Endpoint endpoint = ENDPOINTS.get(RequestPaths.path(request));
    // Exactly the declared length: readAllBytes would fill 16 KB buffers for a 1 KB body, on
    // every request.
    int length = request.getContentLength();
    byte[] body =
        length >= 0
            ? request.getInputStream().readNBytes(length)
            : request.getInputStream().readAllBytes();
    try {
      controller.serve(endpoint, body, request, response);
    } catch (RuntimeException e) {
      if (response.isCommitted()) {
        throw e;
      }
      ResponseEntity<OpenAiErrorBody> error = OpenAiErrors.of(e);
      if (error == null) {
        log.error("{} failed", endpoint.path(), e);
        error =
            ResponseEntity.internalServerError()
                .body(
                    OpenAiErrorBody.of(
                        HttpStatus.INTERNAL_SERVER_ERROR.getReasonPhrase(),
                        "server_error",
                        null,
                        null));
      }
      response.resetBuffer();
      response.setStatus(error.getStatusCode().value());
      response.setContentType(JSON_TYPE);
      JSON.writeValue(response.getOutputStream(), error.getBody());
    }
  }
}
