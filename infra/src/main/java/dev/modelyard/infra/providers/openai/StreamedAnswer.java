package dev.modelyard.infra.providers.openai;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * The body of a streamed answer, read as it comes, under its {@link StreamTimeouts}: a read that a
 * deadline cut fails with a {@link java.net.http.HttpTimeoutException} that says which. Closing it
 * before its end aborts the upstream request, which stops the backend's generation.
 */
public final class StreamedAnswer extends FilterInputStream {

  private final CallDeadlines.Watch watch;
  private final StreamTimeouts timeouts;
  private final Ending ending;
  private boolean firstEventArrived;
  private boolean ended;

  StreamedAnswer(
      InputStream content, CallDeadlines.Watch watch, StreamTimeouts timeouts, Ending ending) {
    super(content);
    this.watch = watch;
    this.timeouts = timeouts;
    this.ending = ending;
  }

  /**
   * An answer of our own client: its connection goes back to the pool if it was read to its end.
   */
  static StreamedAnswer of(
      ClassicHttpResponse response,
      HttpPost post,
      CallDeadlines.Watch watch,
      StreamTimeouts timeouts)
      throws IOException {
    return new StreamedAnswer(
        response.getEntity().getContent(),
        watch,
        timeouts,
        new Ending() {
          @Override
          public void afterEnd() throws IOException {
            response.close();
          }

          @Override
          public void beforeEnd() {
            // Draining the rest would wait for the whole generation: cut the connection instead.
            post.cancel();
            try {
              response.close();
            } catch (IOException cut) {
              // Closing the response reads on to the end of the body, which the cut connection
              // has lost.
            }
          }
        });
  }

  /**
   * Ends the wait for the first event: from now on only silence and the total are bounded. Silence
   * is counted only while a read waits: the time the reader takes between reads, such as writing to
   * a client slow to take what was relayed, is not the stream's.
   */
  public void firstEventArrived() {
    firstEventArrived = true;
    watch.next(timeouts.quiet(), "the stream was silent for ");
    watch.pause();
  }

  @Override
  public int read() throws IOException {
    waiting();
    try {
      return progressed(super.read());
    } catch (IOException e) {
      throw watch.failure(e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    waiting();
    try {
      return progressed(super.read(buffer, offset, length));
    } catch (IOException e) {
      throw watch.failure(e);
    }
  }

  private void waiting() {
    if (firstEventArrived) {
      watch.nextWithin(timeouts.quiet());
    }
  }

  /**
   * What a read returned; once bytes after the first event came, silence is not counted until the
   * next read. A stream that a deadline closed may end rather than fail (the JDK's client does):
   * that end is the deadline's.
   */
  private int progressed(int read) throws IOException {
    if (read < 0) {
      IOException cut = watch.failure(null);
      if (cut != null) {
        throw cut;
      }
      ended = true;
    } else if (firstEventArrived) {
      watch.pause();
    }
    return read;
  }

  @Override
  public void close() throws IOException {
    watch.close();
    if (ended) {
      ending.afterEnd();
    } else {
      ending.beforeEnd();
    }
  }

  /**
   * How the stream's request is let go of: once read to its end, or before (the same, unless said).
   */
  interface Ending {

    void afterEnd() throws IOException;

    default void beforeEnd() throws IOException {
      afterEnd();
    }
  }
}
