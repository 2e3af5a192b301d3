package dev.modelyard.workflows.health;

import java.util.Map;
import java.util.Set;

/**
 * What the loop knows now: for the API, the Web UI and tests. {@code restarting} names the restarts
 * this run of the loop started and has not seen end; one started by an earlier run is not in it.
 */
public record HealthSnapshot(
    HealthPolicy policy,
    long rounds,
    Map<String, InstanceHealth> instances,
    Set<String> restarting) {}
