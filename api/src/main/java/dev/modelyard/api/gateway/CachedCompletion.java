package dev.modelyard.api.gateway;

import java.util.List;

/**
 * An answer worth replaying: the JSON body of a completion, or the events of a streamed one (each
 * the text after "data: ").
 */
record CachedCompletion(byte[] body, List<String> events) {

  static CachedCompletion ofBody(byte[] body) {
    return new CachedCompletion(body, null);
  }

  static CachedCompletion ofEvents(List<String> events) {
    return new CachedCompletion(null, List.copyOf(events));
  }

  long weight() {
    return body != null ? body.length : events.stream().mapToLong(String::length).sum();
  }
}
