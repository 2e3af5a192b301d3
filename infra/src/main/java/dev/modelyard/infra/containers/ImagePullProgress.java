package dev.modelyard.infra.containers;

/**
 * One progress message of an image pull, as the Docker engine streams it.
 *
 * @param status what the engine is doing, e.g. "Downloading", "Pull complete"
 * @param layerId the layer the message is about, or empty for messages about the whole image
 * @param currentBytes bytes done for this layer, 0 when the message carries no count
 * @param totalBytes the layer's size, 0 when unknown
 */
public record ImagePullProgress(
    String status, String layerId, long currentBytes, long totalBytes) {}
