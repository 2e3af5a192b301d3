package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.workflows.models.Provider;
import java.util.Arrays;

/** Reads a request's {@code provider}; an unknown one is a 400 naming the field. */
public final class Providers {

  private Providers() {}

  public static Provider parse(String wireName) {
    return Provider.fromWireName(wireName)
        .orElseThrow(
            () ->
                new InvalidFieldException(
                    "provider",
                    "unknown provider '"
                        + wireName
                        + "'; expected one of "
                        + Arrays.stream(Provider.values()).map(Provider::wireName).toList()));
  }
}
