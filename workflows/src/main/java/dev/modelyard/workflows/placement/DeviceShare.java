package dev.modelyard.workflows.placement;

/** The part of a reservation held on one device. */
public record DeviceShare(String deviceId, int index, long bytes) {}
