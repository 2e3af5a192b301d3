package dev.modelyard.api.gateway;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat completion request as the client sent it. The body travels to the backend whole, so that
 * every sampling and provider-specific parameter is honoured, and the cache key covers all of it.
 */
record ChatRequest(ObjectNode body, boolean useCache) {

  /** Fields that change how an answer is delivered or billed, never what it says. */
  private static final java.util.Set<String> NOT_IN_KEY =
      java.util.Set.of("user", "stream_options");

  String model() {
    JsonNode model = body.get("model");
    return model == null || model.isNull() ? null : model.asString();
  }

  boolean stream() {
    return body.path("stream").asBoolean(false);
  }

  /** Only deterministic answers are replayed: temperature 0, or when the caller asks for it. */
  boolean cacheable() {
    return useCache || (body.has("temperature") && body.get("temperature").asDouble(1) == 0.0);
  }

  /** The body for one backend: its own model name, usage reported also when streaming. */
  byte[] forBackend(String backendModel) {
    ObjectNode copy = body.deepCopy();
    copy.put("model", backendModel);
    if (stream()) {
      copy.putObject("stream_options").put("include_usage", true);
    }
    return OpenAiJson.MAPPER.writeValueAsBytes(copy);
  }

  /**
   * The cache key: the served model and its exact digest, plus the whole request with keys in a
   * fixed order, so that an answer made under other settings is never served.
   */
  String cacheKey(String provider, String modelName, String modelDigest) {
    Map<String, Object> canonical = new TreeMap<>();
    body.properties()
        .forEach(
            e -> {
              if (!NOT_IN_KEY.contains(e.getKey()) && !e.getKey().equals("model")) {
                canonical.put(e.getKey(), sorted(e.getValue()));
              }
            });
    canonical.put("@model", provider + "/" + modelName + "@" + modelDigest);
    byte[] bytes = OpenAiJson.MAPPER.writeValueAsBytes(canonical);
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static Object sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new TreeMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      return node.valueStream().map(ChatRequest::sorted).toList();
    }
    return node;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
