package dev.modelyard.workflows.health;

import java.util.Map;
import java.util.Set;

/** What the loop knows now: for the API, the Web UI and tests. */
public record HealthSnapshot(
    HealthPolicy policy,
    long rounds,
    Map<String, InstanceHealth> instances,
    Set<String> restarting) {}
