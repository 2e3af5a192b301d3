package dev.modelyard.api.gateway;

import dev.modelyard.infra.registry.RoutableInstance;

/**
 * What makes two generations the same answer: the model and every input that shapes the output. The
 * instance itself is not part of it, since every instance of a model answers alike.
 */
record GenerationKey(
    String provider,
    String model,
    String systemPrompt,
    String prompt,
    double temperature,
    int maxTokens) {

  static GenerationKey of(RoutableInstance instance, GenerateRequest request) {
    return new GenerationKey(
        instance.provider(),
        instance.modelName(),
        request.systemPrompt(),
        request.prompt(),
        request.temperatureOrDefault(),
        request.maxTokensOrDefault());
  }
}
