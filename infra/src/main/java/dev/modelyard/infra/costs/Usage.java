package dev.modelyard.infra.costs;

/** The token counts a backend reported for one request. */
public record Usage(int promptTokens, int completionTokens) {

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative, were " + promptTokens + " and " + completionTokens);
    }
  }
}
