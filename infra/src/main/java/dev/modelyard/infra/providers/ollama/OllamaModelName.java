package dev.modelyard.infra.providers.ollama;

import java.net.InetAddress;
import java.util.Locale;

/**
 * An Ollama model name, {@code [host[:port]/][namespace/]model[:tag]}, with Ollama's defaults for
 * the parts left out: {@code registry.ollama.ai}, {@code library} and {@code latest}.
 */
public record OllamaModelName(String host, String namespace, String model, String tag) {

  public static final String DEFAULT_HOST = "registry.ollama.ai";
  public static final String DEFAULT_NAMESPACE = "library";
  public static final String DEFAULT_TAG = "latest";

  public OllamaModelName {
    requirePart(host, "host");
    requirePart(namespace, "namespace");
    requirePart(model, "model");
    requirePart(tag, "tag");
  }

  /**
   * Reads a name as Ollama does, e.g. {@code llama3.2:1b} or {@code 127.0.0.1:5000/library/tiny}.
   *
   * @throws IllegalArgumentException when it has more parts than Ollama allows, or empty ones
   */
  public static OllamaModelName parse(String name) {
    String[] parts = name == null ? new String[0] : name.trim().split("/", -1);
    if (parts.length < 1 || parts.length > 3) {
      throw new IllegalArgumentException(
          "an Ollama model name is [host/][namespace/]model[:tag], was '" + name + "'");
    }
    String last = parts[parts.length - 1];
    int colon = last.lastIndexOf(':');
    String model = colon < 0 ? last : last.substring(0, colon);
    String tag = colon < 0 ? DEFAULT_TAG : last.substring(colon + 1);
    String namespace = parts.length >= 2 ? parts[parts.length - 2] : DEFAULT_NAMESPACE;
    String host = parts.length == 3 ? parts[0] : DEFAULT_HOST;
    return new OllamaModelName(host, namespace, model, tag);
  }

  /**
   * Whether the registry is on this machine (127.0.0.0/8, ::1 or localhost). Such registries
   * usually speak plain HTTP, which Ollama refuses unless the pull is marked insecure.
   */
  public boolean isLoopbackRegistry() {
    String hostOnly = withoutPort(host);
    if (hostOnly.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!hostOnly.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
      // A DNS name: resolving it here would ask the network, and the answer may differ for Ollama.
      return false;
    }
    try {
      return InetAddress.ofLiteral(hostOnly).isLoopbackAddress();
    } catch (IllegalArgumentException notAnAddress) {
      return false;
    }
  }

  /** Whether {@code other} names the same model, as {@code /api/tags} may list it shortened. */
  public boolean sameModelAs(String other) {
    return canonical().equals(parse(other).canonical());
  }

  /** The full name, every default spelled out. */
  public String canonical() {
    return (host + "/" + namespace + "/" + model + ":" + tag).toLowerCase(Locale.ROOT);
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close > 0 ? host.substring(1, close) : host;
    }
    int colon = host.indexOf(':');
    // One colon is host:port; more are an IPv6 address without brackets, which has no port.
    return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
  }

  private static void requirePart(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the model name's " + what + " must not be empty");
    }
  }
}
