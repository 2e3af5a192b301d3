package dev.modelyard.infra.providers.cloud.google;

import java.util.List;

/**
 * A turn of a Gemini conversation, sent and received: role {@code user} or {@code model} (none for
 * the system instruction), and its parts.
 */
record Content(String role, List<Part> parts) {

  /** A text part; {@code thought} marks a thinking summary, which is not answer text. */
  record Part(String text, Boolean thought) {}

  static Content of(String role, String text) {
    return new Content(role, List.of(new Part(text, null)));
  }

  String answerText() {
    StringBuilder text = new StringBuilder();
    if (parts != null) {
      parts.stream()
          .filter(part -> part.text() != null && !Boolean.TRUE.equals(part.thought()))
          .forEach(part -> text.append(part.text()));
    }
    return text.toString();
  }
}
