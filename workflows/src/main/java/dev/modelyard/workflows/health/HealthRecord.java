package dev.modelyard.workflows.health;

/** The score and state to store for one instance after a round; {@code detail} explains it. */
public record HealthRecord(String instanceId, int score, String state, String detail) {}
