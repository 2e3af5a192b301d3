package dev.modelyard.api.metrics;

/** Gauges read from somewhere slow (the registry, NVML, Temporal), refreshed by the poller. */
interface PolledMetrics {

  /** What it reads, for the log line when reading fails. */
  String source();

  /** Reads the source now and updates the gauges; throws when the source cannot be read. */
  void poll();
}
