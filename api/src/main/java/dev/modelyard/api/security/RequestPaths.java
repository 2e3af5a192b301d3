package dev.modelyard.api.security;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UrlPathHelper;

/**
 * Request paths as Spring MVC's dispatcher and Spring Security's matchers see them: decoded as
 * UTF-8, whatever charset the request's body declares. {@link UrlPathHelper#defaultInstance}
 * decodes with the body's charset, so that {@code POST /%76%31/chat/completions} with {@code
 * Content-Type: application/json; charset=UTF-16} was {@code /v1/chat/completions} to the
 * dispatcher (which served it) and another path to the rate limiter (which let it pass). Every
 * filter that reads a request's path reads it here.
 */
public final class RequestPaths {

  private static final UrlPathHelper UTF8 =
      new UrlPathHelper() {
        @Override
        protected String determineEncoding(HttpServletRequest request) {
          return StandardCharsets.UTF_8.name();
        }
      };

  private RequestPaths() {}

  /** The decoded path within the application, as the dispatcher matches it. */
  public static String path(HttpServletRequest request) {
    return UTF8.getPathWithinApplication(request);
  }

  /** The decoded request URI, for messages and problem bodies. */
  public static String uri(HttpServletRequest request) {
    return UTF8.getRequestUri(request);
  }
}
