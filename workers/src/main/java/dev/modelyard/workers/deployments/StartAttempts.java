package dev.modelyard.workers.deployments;

import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.workflows.deployments.StartedInstance;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * The attempts to start each instance on this worker. Temporal may retry a start it timed out while
 * the attempt it gave up on still runs here, with the same instance ID: the retry waits for that
 * attempt to settle and takes over what it started, and the old attempt stops what it started only
 * while no later one has taken it over. A stop that arrives while an attempt is under way makes
 * that attempt stop what it starts once it ends, however it ends.
 */
final class StartAttempts {

  private final ModelRuntime runtime;
  private final ConcurrentMap<String, Attempt> latest = new ConcurrentHashMap<>();

  StartAttempts(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  /** A new attempt, now the instance's latest; it starts once {@link Attempt#awaitPrevious}. */
  Attempt begin(String instanceId) {
    Attempt attempt = new Attempt(instanceId);
    attempt.previous = latest.put(instanceId, attempt);
    return attempt;
  }

  /**
   * The instance is being stopped: an attempt under way stops what it starts once it ends; an ended
   * one is forgotten (the caller stops the instance).
   */
  void stopping(String instanceId) {
    Attempt attempt = latest.get(instanceId);
    if (attempt != null && attempt.requestStop()) {
      latest.remove(instanceId, attempt);
    }
  }

  /**
   * Stops what {@code attempt} started unless a later attempt has taken the instance over. Under
   * the attempt's lock, which a later attempt waits for before it starts, so that a retry arriving
   * meanwhile starts after the stop rather than before it.
   */
  private void stopUnlessTakenOver(Attempt attempt) {
    // Often run by the start's own thread, which a cancellation interrupted: with the flag set, a
    // runtime's interruptible I/O (Docker's socket) would fail the stop.
    boolean interrupted = Thread.interrupted();
    try {
      synchronized (attempt) {
        if (latest.get(attempt.instanceId) == attempt) {
          runtime.stop(attempt.instanceId);
          latest.remove(attempt.instanceId, attempt);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One attempt to start an instance here. */
  final class Attempt {

    private final String instanceId;
    final CompletableFuture<StartedInstance> started = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private Attempt previous;
    private boolean ended;
    private boolean stopWanted;

    private Attempt(String instanceId) {
      this.instanceId = instanceId;
    }

    /** Waits until the attempt before it here, if any, has ended and stopped what it had to. */
    void awaitPrevious() throws InterruptedException {
      Attempt before = previous;
      if (before == null) {
        return;
      }
      try {
        before.settled.get();
      } catch (ExecutionException cannotHappen) {
        throw new IllegalStateException(cannotHappen);
      }
      synchronized (before) {
        // a stop it began after it settled (it was given up on once it had ended) is done
      }
      previous = null;
    }

    /** Its start has its result: what it started is stopped if a stop was wanted meanwhile. */
    void end() {
      boolean stop;
      synchronized (this) {
        ended = true;
        stop = stopWanted;
      }
      if (stop) {
        stopUnlessTakenOver(this);
      }
      settled.complete(null);
    }

    /** Its activity gave up on it (cancelled, timed out): what it starts goes once it ends. */
    void abandon() {
      boolean stopNow;
      synchronized (this) {
        stopWanted = true;
        stopNow = ended;
      }
      if (stopNow) {
        stopUnlessTakenOver(this);
      }
    }

    /** Wants what it starts stopped once it ends; answers whether it has ended already. */
    private synchronized boolean requestStop() {
      stopWanted = true;
      return ended;
    }
  }
}
