package dev.modelyard.workers.pools;

/** The kinds of worker pool, each with its own queue and size. */
public enum PoolKind {
  PULLS,
  RUNTIME,
  HEALTH,
  MAINTENANCE,
  HOST
}
