package dev.modelyard.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body above MODELYARD_MAX_REQUEST_BODY with a 413 before anything reads it. A
 * declared length is checked at once; a chunked body (no length) is read up to the limit here, so
 * that no controller or JSON parser ever holds more.
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;

  RequestBodyLimitFilter(DataSize max) {
    this.maxBytes = max.toBytes();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(request, response);
      return;
    }
    if (declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
      byte[] body =
          request.getInputStream().readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE));
      if (body.length > maxBytes) {
        refuse(request, response);
        return;
      }
      chain.doFilter(new ReadBody(request, body), response);
      return;
    }
    chain.doFilter(request, response);
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
    // The client may still be sending: close the connection rather than read the rest.
    response.setHeader(HttpHeaders.CONNECTION, "close");
    ErrorBodies.write(
        request,
        response,
        HttpStatus.CONTENT_TOO_LARGE,
        "the request body is larger than the limit of "
            + maxBytes
            + " bytes (MODELYARD_MAX_REQUEST_BODY)",
        "request_too_large");
  }

  /** A request whose body was read already, served from memory. */
  private static final class ReadBody extends HttpServletRequestWrapper {

    private final byte[] body;
    private final InputStream in;

    ReadBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
      this.in = new ByteArrayInputStream(body);
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public BufferedReader getReader() {
      String charset = getCharacterEncoding();
      return new BufferedReader(
          new InputStreamReader(
              in, charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset)));
    }

    @Override
    public ServletInputStream getInputStream() {
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          return in.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
          return available() == 0;
        }

        @Override
        public int available() {
          try {
            return in.available();
          } catch (IOException e) {
            return 0;
          }
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body was read already");
        }
      };
    }
  }
}
