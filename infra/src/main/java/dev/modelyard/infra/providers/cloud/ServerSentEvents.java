package dev.modelyard.infra.providers.cloud;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads events from a {@code text/event-stream} one at a time, as the WHATWG format defines. */
final class ServerSentEvents implements Closeable {

  private final InputStream stream;
  private final BufferedReader reader;

  ServerSentEvents(InputStream stream) {
    this.stream = stream;
    this.reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
  }

  /** The next event with data, or null once the stream has ended. */
  ServerSentEvent next() throws IOException {
    String event = null;
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return new ServerSentEvent(event, data.toString());
        }
        event = null;
      } else if (line.startsWith("event:")) {
        event = value(line, 6);
      } else if (line.startsWith("data:")) {
        data = data == null ? new StringBuilder() : data.append('\n');
        data.append(value(line, 5));
      }
      // Comments (":" lines), id: and retry: change nothing a translation needs.
    }
    // A stream may end without the blank line after its last event.
    return data != null ? new ServerSentEvent(event, data.toString()) : null;
  }

  private static String value(String line, int from) {
    return line.startsWith(" ", from) ? line.substring(from + 1) : line.substring(from);
  }

  /**
   * Closes the stream under the reader, which ends a read waiting on it in another thread (a
   * deadline's cut). Not the reader: its close waits for the lock that such a read holds, which it
   * keeps until the upstream sends something, perhaps never.
   */
  @Override
  public void close() throws IOException {
    stream.close();
  }
}
