package dev.modelyard.infra.providers.openai;

public record ChatMessage(String role, String content) {}
