package dev.modelyard.workers.pools;

/** The kinds of worker pool, each with its own queue and size. */
public enum PoolKind {
  PULLS,
  RUNTIME,
  HEALTH,
  MAINTENANCE,
  HOST,
  /** A host's downloads; polled wherever its host queue is (see {@link WorkerPoolSettings}). */
  TRANSFERS,
  /** A host's instance stops; polled wherever its host queue is. */
  STOPS
}
