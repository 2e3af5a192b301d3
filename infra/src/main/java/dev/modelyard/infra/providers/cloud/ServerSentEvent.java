package dev.modelyard.infra.providers.cloud;

/**
 * One event of a {@code text/event-stream}.
 *
 * @param event the {@code event:} field, or null when the stream names none (Gemini's)
 * @param data the {@code data:} lines joined by newlines
 */
public record ServerSentEvent(String event, String data) {}
