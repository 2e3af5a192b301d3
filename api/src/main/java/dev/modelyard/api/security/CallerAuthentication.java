package dev.modelyard.api.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated {@link Caller}. It holds no credentials: neither the API key nor the token
 * outlives the authentication, so nothing downstream can log one by accident.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

  private final Caller caller;

  CallerAuthentication(Caller caller) {
    super(
        caller.roles().stream()
            .flatMap(role -> role.granted().stream())
            .distinct()
            .map(role -> new SimpleGrantedAuthority(role.authority()))
            .toList());
    this.caller = caller;
    setAuthenticated(true);
  }

  Caller caller() {
    return caller;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Object getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.id();
  }
}
