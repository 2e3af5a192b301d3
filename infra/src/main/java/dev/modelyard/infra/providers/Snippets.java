package dev.modelyard.infra.providers;

/**
 * What a failure's message quotes of a server's answer: its first {@link #LENGTH} characters, so
 * that a long error page neither floods the log nor reaches a client whole.
 */
public final class Snippets {

  public static final int LENGTH = 300;

  /**
   * How many bytes hold {@link #LENGTH} characters and one more (to tell that some were cut),
   * however many bytes each takes in UTF-8: as much of an answer as a snippet needs to be read.
   */
  public static final int BYTES = 4 * (LENGTH + 1);

  private Snippets() {}

  /** The text itself, or its first {@link #LENGTH} characters and "…". */
  public static String of(String text) {
    return text.length() > LENGTH ? text.substring(0, LENGTH) + "…" : text;
  }
}
