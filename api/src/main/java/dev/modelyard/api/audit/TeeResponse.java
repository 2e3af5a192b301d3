package dev.modelyard.api.audit;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Passes every byte on to the client at once (a stream stays a stream) and keeps a copy of the
 * first {@code limit} bytes for the audit log. Spring's ContentCachingResponseWrapper would hold
 * the whole answer back until the request ends.
 */
final class TeeResponse extends HttpServletResponseWrapper {

  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
  private final int limit;
  private ServletOutputStream stream;
  private PrintWriter writer;

  TeeResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  /** Passes on what the handler wrote through {@link #getWriter()} and did not flush. */
  void flushWriter() {
    if (writer != null) {
      writer.flush();
    }
  }

  String captured() {
    flushWriter();
    String encoding = getCharacterEncoding();
    Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    synchronized (copy) {
      return copy.toString(charset);
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      ServletOutputStream target = super.getOutputStream();
      stream =
          new ServletOutputStream() {
            @Override
            public void write(int b) throws IOException {
              target.write(b);
              keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
              target.write(bytes, offset, length);
              keep(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
              target.flush();
            }

            @Override
            public boolean isReady() {
              return target.isReady();
            }

            @Override
            public void setWriteListener(WriteListener listener) {
              target.setWriteListener(listener);
            }
          };
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), charset));
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
    super.flushBuffer();
  }

  private void keep(byte[] bytes, int offset, int length) {
    synchronized (copy) {
      int room = limit - copy.size();
      if (room > 0) {
        copy.write(bytes, offset, Math.min(room, length));
      }
    }
  }
}
