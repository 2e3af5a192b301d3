package dev.modelyard.infra.providers.openai;

import java.io.FilterInputStream;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * The body of a streamed answer, read as it comes, under its {@link StreamTimeouts}: a read that a
 * deadline cut fails with a {@link java.net.http.HttpTimeoutException} that says which. Closing it
 * before its end aborts the upstream request, which stops the backend's generation.
 */
public final class StreamedAnswer extends FilterInputStream {

  private final ClassicHttpResponse response;
  private final HttpPost post;
  private final CallDeadlines.Watch watch;
  private final StreamTimeouts timeouts;
  private boolean firstEventArrived;
  private boolean ended;

  StreamedAnswer(
      ClassicHttpResponse response,
      HttpPost post,
      CallDeadlines.Watch watch,
      StreamTimeouts timeouts)
      throws IOException {
    super(response.getEntity().getContent());
    this.response = response;
    this.post = post;
    this.watch = watch;
    this.timeouts = timeouts;
  }

  /** Ends the wait for the first event: from now on only silence and the total are bounded. */
  public void firstEventArrived() {
    firstEventArrived = true;
    watch.next(timeouts.quiet(), "the stream was silent for ");
  }

  @Override
  public int read() throws IOException {
    try {
      return progressed(super.read());
    } catch (IOException e) {
      throw watch.failure(e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return progressed(super.read(buffer, offset, length));
    } catch (IOException e) {
      throw watch.failure(e);
    }
  }

  /** What a read returned; bytes after the first event move the silence deadline on. */
  private int progressed(int read) {
    if (read < 0) {
      ended = true;
    } else if (firstEventArrived) {
      watch.nextWithin(timeouts.quiet());
    }
    return read;
  }

  @Override
  public void close() throws IOException {
    watch.close();
    if (ended) {
      response.close();
      return;
    }
    // Draining the rest would wait for the whole generation: cut the connection instead.
    post.cancel();
    try {
      response.close();
    } catch (IOException cut) {
      // Closing the response reads on to the end of the body, which the cut connection has lost.
    }
  }
}
