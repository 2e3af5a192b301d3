package dev.modelyard.api.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway calls instances: its timeouts, retries, per-instance limits, default routing
 * strategy, and the fallback chain of each model (another local model by name, or a cloud model as
 * {@code provider:model}, e.g. {@code openai:gpt-4o-mini}).
 *
 * @param firstTokenTimeout how long a stream's backend may take to send its first event; past it
 *     the request moves on to the next instance
 * @param totalTimeout how long one backend call may take in all. A non-streamed answer arrives
 *     whole, so for it this is also the wait for the first byte
 * @param retries how many more rounds over a model's instances follow a round where all failed
 * @param maxConcurrentPerInstance calls one instance takes at once; more go to the next instance,
 *     and past every instance's limit a request gets a 503. The default leaves queueing to the
 *     backends, which do it well (Ollama up to its OLLAMA_MAX_QUEUE of 512, vLLM and llama.cpp's
 *     server by batching); lower it for a backend that cannot queue
 */
@ConfigurationProperties("modelyard.gateway")
record GatewaySettings(
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("60s") Duration firstTokenTimeout,
    @DefaultValue("10m") Duration totalTimeout,
    @DefaultValue("1") int retries,
    @DefaultValue("100ms") Duration retryBackoff,
    @DefaultValue("512") int maxConcurrentPerInstance,
    @DefaultValue("10s") Duration breakerOpenDuration,
    @DefaultValue("least_outstanding") RoutingStrategy defaultStrategy,
    @DefaultValue("5s") Duration tableRefresh,
    Map<String, List<String>> fallbacks) {

  GatewaySettings {
    positive("connect-timeout", connectTimeout);
    positive("first-token-timeout", firstTokenTimeout);
    positive("total-timeout", totalTimeout);
    if (retries < 0 || retries > 5) {
      throw new IllegalArgumentException(
          "modelyard.gateway.retries must be from 0 to 5, was " + retries);
    }
    if (maxConcurrentPerInstance < 1) {
      throw new IllegalArgumentException(
          "modelyard.gateway.max-concurrent-per-instance must be at least 1, was "
              + maxConcurrentPerInstance);
    }
    // Models are routed by name regardless of case, and keys bound from environment variables
    // arrive in lower case: the chains are looked up the same way.
    Map<String, List<String>> chains = new HashMap<>();
    if (fallbacks != null) {
      fallbacks.forEach((model, chain) -> chains.put(model.toLowerCase(Locale.ROOT), chain));
    }
    fallbacks = Map.copyOf(chains);
  }

  private static void positive(String name, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "modelyard.gateway." + name + " must be positive, was " + timeout);
    }
  }

  List<String> fallbacksOf(String model) {
    return fallbacks.getOrDefault(model.toLowerCase(Locale.ROOT), List.of());
  }
}
