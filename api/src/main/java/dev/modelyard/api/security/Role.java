package dev.modelyard.api.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller may do. Each role includes the ones below it: an admin may do everything, an
 * operator runs models, containers, the cache and tasks and may also generate, a user generates and
 * reads model status, a viewer reads metrics and status.
 */
public enum Role {
  VIEWER,
  USER,
  OPERATOR,
  ADMIN;

  /** As keys, tokens and the API spell it: lower case. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Spring Security authority that a rule requiring this role checks. */
  String authority() {
    return "ROLE_" + wireName();
  }

  /** This role and every role below it. */
  Set<Role> granted() {
    EnumSet<Role> granted = EnumSet.noneOf(Role.class);
    for (Role role : values()) {
      if (role.ordinal() <= ordinal()) {
        granted.add(role);
      }
    }
    return granted;
  }

  /** Every role allowed where this one is required: this one and those above it. */
  Set<Role> andAbove() {
    EnumSet<Role> above = EnumSet.noneOf(Role.class);
    for (Role role : values()) {
      if (role.ordinal() >= ordinal()) {
        above.add(role);
      }
    }
    return above;
  }

  public static Optional<Role> fromWireName(String name) {
    return Arrays.stream(values()).filter(role -> role.wireName().equals(name)).findFirst();
  }
}
