package dev.modelyard.workflows.models;

import java.util.Objects;

/** A model as the user names it: a provider and the provider's name for it. */
public record ModelRef(Provider provider, String name) {

  public ModelRef {
    Objects.requireNonNull(provider, "provider");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
  }

  @Override
  public String toString() {
    return provider.wireName() + "/" + name;
  }
}
