package dev.modelyard.workflows.health;

/**
 * One probe's result as the health loop keeps it: when (workflow time), what, and how long the
 * generation took (for a busy instance, as long as the probe waited).
 */
public record HealthSample(long atMillis, ProbeOutcome outcome, long latencyMillis) {}
