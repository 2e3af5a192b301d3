package dev.modelyard.api.security;

import dev.modelyard.api.errors.OpenAiErrorBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals made before any controller runs (401, 403, 413, 429), in the format the client reads:
 * OpenAI's error object on {@code /v1/**}, so that OpenAI SDKs raise their usual errors, and an RFC
 * 9457 problem elsewhere. Messages are fixed texts: never a token, a key or an exception's words.
 */
final class ErrorBodies {

  private static final PathPattern OPENAI = PathPatternParser.defaultInstance.parse("/v1/**");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ErrorBodies() {}

  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      HttpStatus status,
      String message,
      String openAiCode)
      throws IOException {
    write(request, response, status, message, "invalid_request_error", openAiCode);
  }

  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      HttpStatus status,
      String message,
      String openAiType,
      String openAiCode)
      throws IOException {
    write(request, response, status, message, openAiType, openAiCode, null);
  }

  /** A 400 for a query parameter: its name is the problem's {@code field}, or OpenAI's param. */
  static void writeInvalid(
      HttpServletRequest request, HttpServletResponse response, String field, String message)
      throws IOException {
    write(
        request,
        response,
        HttpStatus.BAD_REQUEST,
        message,
        "invalid_request_error",
        "invalid_value",
        field);
  }

  private static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      HttpStatus status,
      String message,
      String openAiType,
      String openAiCode,
      String field)
      throws IOException {
    response.setStatus(status.value());
    Object body;
    if (OPENAI.matches(PathContainer.parsePath(RequestPaths.path(request)))) {
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      body = OpenAiErrorBody.of(message, openAiType, field, openAiCode);
    } else {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      String title = status.getReasonPhrase();
      String instance = RequestPaths.uri(request);
      body =
          field == null
              ? new Problem("about:blank", title, status.value(), message, instance)
              : new FieldProblem("about:blank", title, status.value(), message, instance, field);
    }
    JSON.writeValue(response.getOutputStream(), body);
  }

  /** RFC 9457's members, as ProblemDetailsAdvice writes them for the other errors. */
  record Problem(String type, String title, int status, String detail, String instance) {}

  /** A problem naming the field at fault, as ProblemDetailsAdvice writes one. */
  record FieldProblem(
      String type, String title, int status, String detail, String instance, String field) {}
}
