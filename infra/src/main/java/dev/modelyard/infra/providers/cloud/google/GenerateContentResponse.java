package dev.modelyard.infra.providers.cloud.google;

import java.util.List;

/**
 * Gemini's answer; a stream sends a sequence of these, the last with the finish reason and the
 * final usage.
 */
record GenerateContentResponse(
    List<Candidate> candidates,
    UsageMetadata usageMetadata,
    PromptFeedback promptFeedback,
    String modelVersion,
    String responseId) {

  record Candidate(Content content, String finishReason) {}

  /** Thinking tokens are billed as output, so they count as completion tokens. */
  record UsageMetadata(
      int promptTokenCount, int candidatesTokenCount, int thoughtsTokenCount, int totalTokenCount) {

    int completionTokens() {
      return candidatesTokenCount + thoughtsTokenCount;
    }
  }

  /** Set when the prompt itself was blocked; there are no candidates then. */
  record PromptFeedback(String blockReason) {}

  Candidate first() {
    return candidates == null || candidates.isEmpty() ? null : candidates.getFirst();
  }

  String text() {
    Candidate candidate = first();
    return candidate == null || candidate.content() == null ? "" : candidate.content().answerText();
  }

  /** OpenAI's finish reason, or null while a stream is still going. */
  String finishReason() {
    Candidate candidate = first();
    if (candidate == null) {
      return promptFeedback != null && promptFeedback.blockReason() != null
          ? "content_filter"
          : null;
    }
    return FinishReasons.openAi(candidate.finishReason());
  }
}
