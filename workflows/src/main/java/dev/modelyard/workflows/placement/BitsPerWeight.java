package dev.modelyard.workflows.placement;

import java.util.Map;

/**
 * Average storage per weight of llama.cpp's quantisation types, in hundredths of a bit, block
 * scales included. The mixes (Q4_K_M and the like) keep some tensors at a higher type; their
 * figures are the averages llama.cpp measures for a 7B Llama, rounded up. Integers, so that an
 * estimate is the same on every machine.
 */
final class BitsPerWeight {

  /** What an unknown type is taken to be: F16 is the largest common one below F32. */
  static final int UNKNOWN = 1600;

  private static final Map<String, Integer> CENTIBITS =
      Map.ofEntries(
          Map.entry("F32", 3200),
          Map.entry("F16", 1600),
          Map.entry("BF16", 1600),
          Map.entry("Q8_0", 850),
          Map.entry("Q6_K", 657),
          Map.entry("Q5_1", 600),
          Map.entry("Q5_0", 550),
          Map.entry("Q5_K_M", 569),
          Map.entry("Q5_K_S", 554),
          Map.entry("Q4_1", 500),
          Map.entry("Q4_0", 450),
          Map.entry("Q4_K_M", 489),
          Map.entry("Q4_K_S", 458),
          Map.entry("IQ4_NL", 450),
          Map.entry("IQ4_XS", 425),
          Map.entry("Q3_K_L", 427),
          Map.entry("Q3_K_M", 391),
          Map.entry("Q3_K_S", 350),
          Map.entry("IQ3_M", 366),
          Map.entry("IQ3_S", 344),
          Map.entry("IQ3_XS", 330),
          Map.entry("IQ3_XXS", 306),
          Map.entry("Q2_K", 335),
          Map.entry("Q2_K_S", 296),
          Map.entry("IQ2_M", 270),
          Map.entry("IQ2_S", 250),
          Map.entry("IQ2_XS", 231),
          Map.entry("IQ2_XXS", 206),
          Map.entry("IQ1_M", 175),
          Map.entry("IQ1_S", 156));

  private BitsPerWeight() {}

  /** Hundredths of a bit per weight, or 0 when the type is not known. */
  static int centibits(String quantisation) {
    return quantisation == null
        ? 0
        : CENTIBITS.getOrDefault(quantisation.toUpperCase(java.util.Locale.ROOT), 0);
  }
}
