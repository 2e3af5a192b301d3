package dev.modelyard.api.errors;

import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Maps every error to an RFC 9457 problem body, once, here. Bad input names its field; stack traces
 * and exception texts of unexpected failures never leave the process.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ApiException.class)
  ProblemDetail api(ApiException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    if (e instanceof InvalidFieldException invalid) {
      problem.setProperty("field", invalid.field());
    }
    if (e instanceof PlacementRefusedException refused) {
      problem.setProperty("need_bytes", refused.needBytes());
      problem.setProperty("largest_free_bytes", refused.largestFreeBytes());
    }
    if (e instanceof UnavailableException) {
      log.warn("{}", e.getMessage(), e.getCause());
    }
    return problem;
  }

  /**
   * PostgreSQL down, out of connections or not answering in time: a 503 that says so, which a
   * caller may retry, rather than an unexpected 500.
   */
  @ExceptionHandler({
    DataAccessResourceFailureException.class,
    TransientDataAccessResourceException.class,
    RecoverableDataAccessException.class,
    CannotCreateTransactionException.class
  })
  ProblemDetail databaseUnavailable(Exception e) {
    return api(new UnavailableException("the database cannot be reached now", e));
  }

  /** A bounded query (an audit search, a cost report) that PostgreSQL stopped at its timeout. */
  @ExceptionHandler(QueryTimeoutException.class)
  ProblemDetail queryTooSlow(QueryTimeoutException e) {
    return api(
        new UnavailableException(
            "the query took too long and was stopped; a narrower time range or more filters"
                + " answer sooner",
            e));
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    log.error("unexpected error", e);
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.INTERNAL_SERVER_ERROR, "an unexpected error happened; it has been logged");
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(error -> new FieldProblem(snakeCase(error.getField()), error.getDefaultMessage()))
            .toList();
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST,
            errors.isEmpty()
                ? "the request is not valid"
                : errors.getFirst().field() + ": " + errors.getFirst().message());
    if (!errors.isEmpty()) {
      problem.setProperty("field", errors.getFirst().field());
      problem.setProperty("errors", errors);
    }
    return ResponseEntity.badRequest().body(problem);
  }

  /** A query parameter or path variable that does not convert, e.g. {@code ?tail=abc}. */
  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (e.getPropertyName() == null) {
      return super.handleTypeMismatch(e, headers, status, request);
    }
    return invalid(e.getPropertyName(), e.getPropertyName() + " must be " + expected(e));
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return invalid(e.getParameterName(), e.getParameterName() + " is required");
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem;
    // Any of Jackson's: a number too large for its field is a read error (not a binding one) that
    // has the field's path all the same.
    if (e.getCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
      String field = fieldPath(jackson);
      problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST, field + ": " + jackson.getOriginalMessage());
      problem.setProperty("field", field);
    } else {
      problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST, "the request body is missing or is not valid JSON");
    }
    return ResponseEntity.badRequest().body(problem);
  }

  /**
   * What Spring MVC itself refuses (a 405, a 415) on {@code /v1/**} in OpenAI's format, as every
   * other answer there is: a problem body is nothing an OpenAI SDK reads. (Those endpoints read
   * their bodies themselves, so an unreadable one never comes here.)
   */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && request instanceof ServletWebRequest servlet
        && servlet.getRequest().getServletPath().startsWith("/v1/")) {
      HttpHeaders json = new HttpHeaders();
      if (headers != null) {
        json.addAll(headers);
      }
      json.setContentType(MediaType.APPLICATION_JSON);
      Object field = problem.getProperties() == null ? null : problem.getProperties().get("field");
      return new ResponseEntity<>(
          OpenAiErrorBody.of(
              problem.getDetail(),
              statusCode.is5xxServerError() ? "server_error" : "invalid_request_error",
              field == null ? null : field.toString(),
              null),
          json,
          statusCode);
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }

  private static ResponseEntity<Object> invalid(String field, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setProperty("field", field);
    return ResponseEntity.badRequest().body(problem);
  }

  /** What the parameter takes, in the caller's words rather than Java's. */
  private static String expected(TypeMismatchException e) {
    Class<?> type =
        e.getRequiredType() == null
            ? Object.class
            : ClassUtils.resolvePrimitiveIfNecessary(e.getRequiredType());
    if (type == Integer.class || type == Long.class || type == Short.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    return "a valid " + type.getSimpleName();
  }

  private static String fieldPath(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String snakeCase(String field) {
    // p95LatencyCeilingMs is p95_latency_ceiling_ms, as Jackson names it.
    return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  record FieldProblem(String field, String message) {}
}
