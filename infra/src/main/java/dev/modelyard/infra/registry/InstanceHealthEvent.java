package dev.modelyard.infra.registry;

import java.time.Instant;

/** One line of an instance's events log ({@code instance_events}). */
public record InstanceHealthEvent(String instanceId, Instant at, String kind, String detail) {}
