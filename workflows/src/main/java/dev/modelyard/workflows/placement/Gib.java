package dev.modelyard.workflows.placement;

import java.util.Locale;

/** Byte counts as people read them in placement's messages. */
final class Gib {

  private static final double GIB = 1024.0 * 1024 * 1024;

  private Gib() {}

  static String format(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
  }
}
