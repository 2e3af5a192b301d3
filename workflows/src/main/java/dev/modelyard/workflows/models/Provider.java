package dev.modelyard.workflows.models;

import java.util.Arrays;
import java.util.Optional;

/** Where a model comes from and what serves it. The wire name is what the HTTP API speaks. */
public enum Provider {
  LOCAL_OLLAMA("local_ollama"),
  HUGGINGFACE("huggingface"),
  LOCAL_GGUF("local_gguf"),
  HF_LOCAL("hf_local"),
  OPENAI_COMPATIBLE("openai_compatible");

  private final String wireName;

  Provider(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Provider> fromWireName(String wireName) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(wireName)).findFirst();
  }
}
