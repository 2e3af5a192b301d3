package dev.modelyard.workflows.containers;

/**
 * One container a host's runtime started, as that host sees it now.
 *
 * @param containerId Docker's full container ID
 * @param instanceId the registry instance it runs, from its label
 * @param modelId the registry model it serves, from its label
 * @param deployment the deployment it belongs to, or null
 * @param state Docker's word for its state: running, exited, …
 * @param endpoint where its server listens, from its port label, or null
 */
public record ContainerView(
    String containerId,
    String name,
    String hostId,
    String instanceId,
    String modelId,
    String deployment,
    String image,
    String state,
    String endpoint) {}
