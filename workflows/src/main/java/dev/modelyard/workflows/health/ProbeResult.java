package dev.modelyard.workflows.health;

/** What a probe found; {@code detail} says why for anything but a plain answer. */
public record ProbeResult(
    String instanceId, ProbeOutcome outcome, long latencyMillis, String detail) {}
