package dev.modelyard.infra.providers.cloud.google;

import java.util.List;

/** The body of {@code generateContent} and {@code streamGenerateContent}. */
record GenerateContentRequest(
    List<Content> contents, Content systemInstruction, GenerationConfig generationConfig) {

  record GenerationConfig(
      Double temperature, Integer maxOutputTokens, Double topP, List<String> stopSequences) {}
}
