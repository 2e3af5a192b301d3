package dev.modelyard.api.gateway;

import dev.modelyard.infra.registry.RoutableInstance;

/** An instance that may serve a request, with what this process sees of its load. */
record Candidate(RoutableInstance instance, InstanceLoad load) {

  String id() {
    return instance.instanceId();
  }
}
