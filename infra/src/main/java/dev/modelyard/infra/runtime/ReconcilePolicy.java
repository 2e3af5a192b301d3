package dev.modelyard.infra.runtime;

/**
 * What a worker does at start with the containers it finds labelled as its own but did not start.
 */
public enum ReconcilePolicy {
  /**
   * Adopt a running container whose instance the registry knows as active (so a worker restart
   * never duplicates it); remove the others.
   */
  ADOPT_KNOWN,
  /** Remove every one: the registry's instances are started afresh. */
  REMOVE_ALL
}
