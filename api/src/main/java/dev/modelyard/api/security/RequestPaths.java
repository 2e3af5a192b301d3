package dev.modelyard.api.security;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UrlPathHelper;

/**
 * Request paths as Spring MVC's dispatcher and Spring Security's matchers see them: decoded as
 * UTF-8, whatever charset the request's body declares. {@link UrlPathHelper#defaultInstance}
 * decodes with the body's charset, so that {@code POST /%76%31/chat/completions} with {@code
 * Content-Type: application/json; charset=UTF-16} was {@code /v1/chat/completions} to the
 * dispatcher (which served it) and another path to the rate limiter (which let it pass).
 */
public final class RequestPaths {

  /** For every filter that reads a request's path; like the default instance, not to be changed. */
  public static final UrlPathHelper UTF8 =
      new UrlPathHelper() {
        @Override
        protected String determineEncoding(HttpServletRequest request) {
          return StandardCharsets.UTF_8.name();
        }

        @Override
        public void setAlwaysUseFullPath(boolean alwaysUseFullPath) {
          throw new UnsupportedOperationException("shared by every filter");
        }

        @Override
        public void setUrlDecode(boolean urlDecode) {
          throw new UnsupportedOperationException("shared by every filter");
        }

        @Override
        public void setRemoveSemicolonContent(boolean removeSemicolonContent) {
          throw new UnsupportedOperationException("shared by every filter");
        }

        @Override
        public void setDefaultEncoding(String defaultEncoding) {
          throw new UnsupportedOperationException("shared by every filter");
        }
      };

  private RequestPaths() {}
}
