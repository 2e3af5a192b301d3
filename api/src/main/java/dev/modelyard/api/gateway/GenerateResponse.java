package dev.modelyard.api.gateway;

record GenerateResponse(
    String text,
    String model,
    String provider,
    String instanceId,
    int promptTokens,
    int completionTokens,
    int totalTokens,
    long latencyMs,
    boolean cached) {

  GenerateResponse fromCache(long latencyMs) {
    return new GenerateResponse(
        text,
        model,
        provider,
        instanceId,
        promptTokens,
        completionTokens,
        totalTokens,
        latencyMs,
        true);
  }
}
