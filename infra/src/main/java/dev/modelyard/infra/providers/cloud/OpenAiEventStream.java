package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A provider's event stream read as OpenAI's: each upstream event is translated when the reader
 * asks for more bytes, on the reader's own thread, so nothing is buffered ahead and closing this
 * closes (and so cancels) the upstream request.
 */
public final class OpenAiEventStream extends InputStream {

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSentEvents upstream;
  private final StreamTranslator translator;
  private byte[] buffer = new byte[0];
  private int position;
  private boolean ended;

  public OpenAiEventStream(InputStream upstream, StreamTranslator translator) {
    this.upstream = new ServerSentEvents(upstream);
    this.translator = translator;
  }

  @Override
  public int read() throws IOException {
    return fill() ? buffer[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int count = Math.min(length, buffer.length - position);
    System.arraycopy(buffer, position, target, offset, count);
    position += count;
    return count;
  }

  /** Makes sure unread bytes are buffered; false at the end of the stream. */
  private boolean fill() throws IOException {
    while (position >= buffer.length) {
      if (ended) {
        return false;
      }
      ServerSentEvent event = upstream.next();
      if (event == null) {
        ended = true;
        buffer = concat(encode(translator.onEnd()), DONE);
      } else {
        buffer = encode(translator.onEvent(event));
      }
      position = 0;
    }
    return true;
  }

  private static byte[] encode(List<ChatCompletionChunk> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ChatCompletionChunk chunk : chunks) {
      out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(OpenAiJson.MAPPER.writeValueAsBytes(chunk));
      out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
