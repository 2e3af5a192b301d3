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
    boolean cached) {}
