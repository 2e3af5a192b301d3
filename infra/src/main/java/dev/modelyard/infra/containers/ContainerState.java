package dev.modelyard.infra.containers;

/**
 * A container's run state as Docker reports it.
 *
 * @param status Docker's word for it: created, running, paused, restarting, removing, exited, dead
 * @param exitCode the exit code once the container has exited, else 0
 * @param oomKilled whether the kernel killed it for exceeding its memory limit
 * @param error why Docker could not start it, or empty
 * @param health the health check's verdict: starting, healthy or unhealthy; empty without a check
 */
public record ContainerState(
    String status, boolean running, int exitCode, boolean oomKilled, String error, String health) {}
