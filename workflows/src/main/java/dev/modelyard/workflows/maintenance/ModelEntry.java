package dev.modelyard.workflows.maintenance;

import java.util.Objects;

/**
 * A model as the registry holds it, or as a provider reports it. Fields a provider does not know
 * are null; discovery never overwrites a known value with null.
 */
public record ModelEntry(
    String provider,
    String name,
    String hostId,
    String location,
    String format,
    String architecture,
    Long parameterCount,
    String quantisation,
    Integer contextLength,
    Long sizeBytes,
    String sha256) {

  public ModelEntry {
    Objects.requireNonNull(provider, "provider");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
  }

  /** This entry with every value {@code reported} knows, keeping ours where it knows none. */
  ModelEntry updatedWith(ModelEntry reported) {
    return new ModelEntry(
        provider,
        name,
        or(reported.hostId, hostId),
        or(reported.location, location),
        or(reported.format, format),
        or(reported.architecture, architecture),
        or(reported.parameterCount, parameterCount),
        or(reported.quantisation, quantisation),
        or(reported.contextLength, contextLength),
        or(reported.sizeBytes, sizeBytes),
        or(reported.sha256, sha256));
  }

  private static <T> T or(T reported, T known) {
    return reported != null ? reported : known;
  }
}
