package dev.modelyard.api.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Tells the two kinds of credential apart by their look: an API key starts with {@code my-} and is
 * looked up among the keys; anything else must be a JWT signed as SECURITY's settings say.
 */
final class CallerAuthenticationManager implements AuthenticationManager {

  private final ApiKeys keys;
  private final JwtAuthenticationProvider jwt;

  /**
   * @param jwt null when neither SECRET_KEY nor a JWKS is configured: only API keys are accepted
   */
  CallerAuthenticationManager(ApiKeys keys, JwtAuthenticationProvider jwt) {
    this.keys = keys;
    this.jwt = jwt;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    if (ApiKeySecrets.looksLikeKey(token)) {
      try {
        return keys.authenticate(token, clientAddress(authentication))
            .orElseThrow(() -> new InvalidBearerTokenException(SecurityErrorResponses.INVALID));
      } catch (AuthenticationException e) {
        throw e;
      } catch (RuntimeException e) {
        // The key store is unreachable and this key is not cached: our failure, not the caller's.
        throw new AuthenticationServiceException("API keys cannot be read now", e);
      }
    }
    if (jwt == null) {
      throw new InvalidBearerTokenException(SecurityErrorResponses.INVALID);
    }
    return jwt.authenticate(authentication);
  }

  /** Spring Security's bearer token filter and {@link GenerationCallerFilter} both set it. */
  private static String clientAddress(Authentication authentication) {
    return authentication.getDetails() instanceof WebAuthenticationDetails details
        ? details.getRemoteAddress()
        : null;
  }
}
