package dev.modelyard.workflows.maintenance;

/**
 * What the registry did with a {@link DiscoveryPlan}: instances newly recorded ready (or moved to a
 * new endpoint), and instances recorded stopped.
 */
public record DiscoveryApplied(int instancesRecorded, int instancesStopped) {}
