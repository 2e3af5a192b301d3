package dev.modelyard.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A query string the servlet container cannot parse (a parameter without a name, a broken %-escape)
 * is the client's mistake: a 400 here, rather than the 500 that the container's
 * IllegalStateException would become once a controller asked for a parameter. So is a value with a
 * NUL character in it.
 */
final class MalformedParametersFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Map<String, String[]> parameters;
    try {
      parameters = request.getParameterMap();
    } catch (IllegalStateException e) {
      ErrorBodies.write(
          request,
          response,
          HttpStatus.BAD_REQUEST,
          "the query string is malformed",
          "invalid_request_error");
      return;
    }
    // PostgreSQL stores no NUL in text: a filter with one failed in its query, as a 500.
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      for (String value : parameter.getValue()) {
        if (value.indexOf('\0') >= 0) {
          ErrorBodies.writeInvalid(
              request,
              response,
              parameter.getKey(),
              parameter.getKey() + " must not contain the NUL character (U+0000)");
          return;
        }
      }
    }
    chain.doFilter(request, response);
  }
}
