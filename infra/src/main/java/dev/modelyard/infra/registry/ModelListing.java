package dev.modelyard.infra.registry;

import java.time.Instant;
import java.util.List;

/** A model with its file facts and the instances serving it, as the models API lists it. */
public record ModelListing(
    String modelId,
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
    String sha256,
    Instant createdAt,
    List<InstanceListing> instances) {}
