package dev.modelyard.api.gateway;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cache keys of the form {@code category|provider/model@digest|hash}: the hash alone decides a hit;
 * the readable part lets the cache be cleared by category and model, and lets entries of a model
 * version no longer served be flushed.
 */
final class CacheKeys {

  private static final Pattern GLOB_SPECIAL = Pattern.compile("[*?\\[\\]\\\\]");

  private CacheKeys() {}

  static String of(String category, String modelVersion, String hash) {
    return category + "|" + modelVersion + "|" + hash;
  }

  /** Whether a key is of a category (null: any) and a model name (null: any). */
  static boolean matches(String key, String category, String modelName) {
    String[] parts = key.split("\\|", 3);
    if (parts.length != 3) {
      return false;
    }
    return (category == null || parts[0].equals(category))
        && (modelName == null || nameOf(parts[1]).equals(modelName));
  }

  /** A Redis glob over keys (after {@code prefix}) of a category and model name, each optional. */
  static String pattern(String prefix, String category, String modelName) {
    return glob(prefix)
        + (category == null ? "*" : glob(category))
        + "|"
        + (modelName == null ? "*" : "*/" + glob(modelName) + "@*")
        + "|*";
  }

  /**
   * Whether a key's model version is superseded: its provider and model are served now under
   * another digest. {@code served} maps {@code provider/model} to the digest served.
   */
  static boolean superseded(String key, Map<String, String> served) {
    String[] parts = key.split("\\|", 3);
    if (parts.length != 3) {
      return false;
    }
    int at = parts[1].lastIndexOf('@');
    if (at < 0) {
      return false;
    }
    String current = served.get(parts[1].substring(0, at));
    return current != null && !current.equals(parts[1].substring(at + 1));
  }

  private static String nameOf(String modelVersion) {
    int slash = modelVersion.indexOf('/');
    int at = modelVersion.lastIndexOf('@');
    return modelVersion.substring(slash + 1, at > slash ? at : modelVersion.length());
  }

  private static String glob(String literal) {
    return GLOB_SPECIAL
        .matcher(literal)
        .replaceAll(m -> "\\\\" + Matcher.quoteReplacement(m.group()));
  }
}
