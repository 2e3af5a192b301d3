package dev.modelyard.infra.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a page of the audit log ended: the last record's time and ID. The next page is what comes
 * after it, newest first, so rows written meanwhile neither repeat nor push records out of view (as
 * an offset does), and a page deep in the log costs what the first does.
 */
public record AuditCursor(Instant occurredAt, long auditId) {

  /** The opaque form a client passes back: URL-safe, no padding. */
  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((occurredAt + "/" + auditId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor {@link #encode} made.
   *
   * @throws IllegalArgumentException when {@code text} is not one
   */
  public static AuditCursor decode(String text) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int slash = decoded.lastIndexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a cursor this endpoint made");
      }
      return new AuditCursor(
          Instant.parse(decoded.substring(0, slash)), Long.parseLong(decoded.substring(slash + 1)));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a cursor this endpoint made", e);
    }
  }
}
