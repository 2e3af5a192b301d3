package dev.modelyard.infra.providers.cloud.anthropic;

/**
 * One event of Anthropic's message stream; which fields are set depends on its type: {@code
 * message_start} (message), {@code content_block_delta} (delta), {@code message_delta} (delta with
 * the stop reason, usage), {@code message_stop}, {@code ping} and {@code error}.
 */
record StreamEvent(
    String type,
    MessagesResponse message,
    Delta delta,
    MessagesResponse.Usage usage,
    ErrorBody error) {

  /** {@code text_delta} carries text; a message delta carries the stop reason. */
  record Delta(String type, String text, String stopReason) {}

  record ErrorBody(String type, String message) {}
}
