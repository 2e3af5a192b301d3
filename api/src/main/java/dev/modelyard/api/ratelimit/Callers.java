package dev.modelyard.api.ratelimit;

import dev.modelyard.api.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import org.springframework.http.HttpHeaders;

/**
 * Who a request counts against: the caller that security authenticated ({@code key:<key id>} or
 * {@code jwt:<subject>}), with its key's own rate limit if it has one. Without authentication (the
 * filter alone, in tests) it is the presented API key ({@code Authorization: Bearer} or {@code
 * X-API-Key}), or else the client address. A key is only ever kept as its SHA-256, so neither Redis
 * nor a log holds one. The address is the servlet's remote address, which honours forwarded headers
 * only where the server is configured to trust them; reading {@code X-Forwarded-For} here would let
 * any client pick a fresh identity per request.
 */
public final class Callers {

  static final String API_KEY_HEADER = "X-API-Key";
  private static final String BEARER = "Bearer ";

  private Callers() {}

  public static String identify(HttpServletRequest request) {
    if (request.getAttribute(Caller.NAME_ATTRIBUTE) instanceof String known) {
      return known;
    }
    Principal principal = request.getUserPrincipal();
    if (principal != null) {
      return principal.getName();
    }
    String key = apiKey(request);
    return key != null ? "key:" + sha256(key) : "ip:" + request.getRemoteAddr();
  }

  /** The authenticated caller's own requests per window; null: the default limit. */
  static Integer ownRequestLimit(HttpServletRequest request) {
    return Caller.of(request.getUserPrincipal()).map(Caller::rateLimitRequests).orElse(null);
  }

  private static String apiKey(HttpServletRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null
        && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && !authorization.substring(BEARER.length()).isBlank()) {
      return authorization.substring(BEARER.length()).strip();
    }
    String header = request.getHeader(API_KEY_HEADER);
    return header != null && !header.isBlank() ? header.strip() : null;
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
