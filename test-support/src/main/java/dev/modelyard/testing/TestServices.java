package dev.modelyard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real services that {@code scripts/test-services.sh} started, as it described them in {@code
 * .modelyard-test/services.env}. A missing service fails the test that needs it: tests never skip.
 */
public final class TestServices {

  private static final String ENV_FILE = ".modelyard-test/services.env";
  private static volatile Map<String, String> values;

  private TestServices() {}

  public static String get(String key) {
    String value = values().get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          key
              + " is not in "
              + repositoryRoot().resolve(ENV_FILE)
              + ": start the test services with scripts/test-services.sh (make test does)");
    }
    return value;
  }

  /** The repository root: the nearest folder upwards holding the wrapper. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("not inside the Modelyard repository: " + Path.of(""));
    }
    return dir;
  }

  /** The tiny real GGUF model shared with every session, beside the repository. */
  public static Path tinyModel() {
    Path model = repositoryRoot().resolve("../shared/models/llama-2-tiny-random.gguf").normalize();
    if (!Files.isReadable(model)) {
      throw new IllegalStateException(
          "the tiny test model is missing: expected "
              + model
              + " (see ../shared/models/README.md)");
    }
    return model;
  }

  private static Map<String, String> values() {
    if (values == null) {
      values = read(repositoryRoot().resolve(ENV_FILE));
    }
    return values;
  }

  private static Map<String, String> read(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          file + " does not exist: start the test services with scripts/test-services.sh");
    }
    try {
      Map<String, String> map = new HashMap<>();
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
          map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      return Map.copyOf(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
