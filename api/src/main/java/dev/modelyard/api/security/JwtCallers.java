package dev.modelyard.api.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The caller a verified JWT names: {@code sub} is who, the {@code roles} claim (an array, or a
 * space-separated string) what it may do. Role names it does not know give nothing.
 */
final class JwtCallers implements Converter<Jwt, CallerAuthentication> {

  static final String ROLES_CLAIM = "roles";

  @Override
  public CallerAuthentication convert(Jwt jwt) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    names(jwt.getClaim(ROLES_CLAIM)).forEach(name -> Role.fromWireName(name).ifPresent(roles::add));
    return new CallerAuthentication(
        new Caller("jwt:" + jwt.getSubject(), jwt.getSubject(), roles, null, null));
  }

  private static List<String> names(Object claim) {
    return switch (claim) {
      case Collection<?> values -> values.stream().map(String::valueOf).toList();
      case String value -> List.of(value.trim().split("\\s+"));
      case null, default -> List.of();
    };
  }
}
