package dev.modelyard.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A query string the servlet container cannot parse (a parameter without a name, a broken %-escape)
 * is the client's mistake: a 400 here, rather than the 500 that the container's
 * IllegalStateException would become once a controller asked for a parameter.
 */
final class MalformedParametersFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      request.getParameterMap();
    } catch (IllegalStateException e) {
      ErrorBodies.write(
          request,
          response,
          HttpStatus.BAD_REQUEST,
          "the query string is malformed",
          "invalid_request_error");
      return;
    }
    chain.doFilter(request, response);
  }
}
