package dev.modelyard.infra.providers.ollama;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Ollama knows about a model's weights.
 *
 * @param format e.g. {@code gguf}
 * @param family the architecture family, e.g. {@code llama}
 * @param parameterSize a rounded count such as {@code 8.0B}
 * @param quantizationLevel e.g. {@code Q4_K_M} or {@code F16}
 */
public record ModelDetails(
    String parentModel,
    String format,
    String family,
    List<String> families,
    String parameterSize,
    String quantizationLevel) {

  private static final Pattern ROUNDED_COUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMBT]?)");
  private static final Map<String, Long> SCALE =
      Map.of("", 1L, "K", 1_000L, "M", 1_000_000L, "B", 1_000_000_000L, "T", 1_000_000_000_000L);

  /**
   * {@link #parameterSize()} as a number, e.g. 8000000000 for {@code 8.0B}; 0 when Ollama gave none
   * or in a form we do not know.
   */
  public long parameterCount() {
    if (parameterSize == null) {
      return 0;
    }
    Matcher m = ROUNDED_COUNT.matcher(parameterSize.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      return 0;
    }
    return new BigDecimal(m.group(1))
        .multiply(BigDecimal.valueOf(SCALE.get(m.group(2))))
        .longValue();
  }
}
