package dev.modelyard.api.ratelimit;

import java.util.Optional;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The limited paths, by the error format their clients read. Generation is what costs: everything
 * OpenAI-compatible ({@code /v1/**}, model listing included, since those clients know 429s) and
 * {@code /api/v1/local-llm/generate}. The lifecycle calls (pull, load, scale, task status) are not
 * limited: they are few, their workflows already join duplicates, and task polling must not be
 * refused because a caller also generates. Health and metrics are never limited.
 */
enum PathFamily {
  OPENAI("/v1/**"),
  NATIVE("/api/v1/local-llm/generate");

  private final PathPattern pattern;

  PathFamily(String pattern) {
    this.pattern = PathPatternParser.defaultInstance.parse(pattern);
  }

  /** The family of a decoded path within the application, if it is limited. */
  static Optional<PathFamily> of(String path) {
    PathContainer container = PathContainer.parsePath(path);
    for (PathFamily family : values()) {
      if (family.pattern.matches(container)) {
        return Optional.of(family);
      }
    }
    return Optional.empty();
  }
}
