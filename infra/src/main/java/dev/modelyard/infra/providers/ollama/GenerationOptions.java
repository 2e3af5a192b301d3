package dev.modelyard.infra.providers.ollama;

/**
 * Sampling options for one generation; a null option keeps the model's default.
 *
 * @param numPredict the most tokens to generate
 * @param numCtx the context window, in tokens
 */
public record GenerationOptions(
    Double temperature, Integer numPredict, Integer seed, Integer numCtx) {

  public static GenerationOptions defaults() {
    return new GenerationOptions(null, null, null, null);
  }

  public GenerationOptions withTemperature(double value) {
    return new GenerationOptions(value, numPredict, seed, numCtx);
  }

  public GenerationOptions withNumPredict(int value) {
    return new GenerationOptions(temperature, value, seed, numCtx);
  }

  public GenerationOptions withSeed(int value) {
    return new GenerationOptions(temperature, numPredict, value, numCtx);
  }

  public GenerationOptions withNumCtx(int value) {
    return new GenerationOptions(temperature, numPredict, seed, value);
  }
}
