package dev.modelyard.infra.providers.huggingface;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range} header: {@code bytes 100-199/1000} for a partial answer, or {@code bytes
 * *}{@code /1000} when a 416 answer names only the size.
 *
 * @param start the first byte served, or -1 when none was
 * @param total the whole file's size, or -1 when the server does not know it
 */
record ContentRange(long start, long end, long total) {

  private static final Pattern FORMAT =
      Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  static ContentRange parse(String header) {
    Matcher m = FORMAT.matcher(header.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a byte Content-Range: '" + header + "'");
    }
    return new ContentRange(
        m.group(1) == null ? -1 : Long.parseLong(m.group(1)),
        m.group(2) == null ? -1 : Long.parseLong(m.group(2)),
        "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3)));
  }
}
