package dev.modelyard.infra.settings;

/** A secret value that never shows itself in logs, error bodies or toString. */
public record Secret(String value) {

  public static Secret ofNullable(String value) {
    return value == null || value.isBlank() ? null : new Secret(value);
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }
}
