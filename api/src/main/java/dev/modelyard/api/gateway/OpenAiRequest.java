package dev.modelyard.api.gateway;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.registry.RoutableInstance;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to one of OpenAI's endpoints as the client sent it. The body travels to the backend
 * whole, so that every sampling and provider-specific parameter is honoured, and the cache key
 * covers all of it.
 *
 * @param sent the body's bytes as the client sent them, if it came as JSON; null when it was built
 *     here (the native generate endpoint)
 */
record OpenAiRequest(Endpoint endpoint, ObjectNode body, boolean useCache, byte[] sent) {

  OpenAiRequest(Endpoint endpoint, ObjectNode body, boolean useCache) {
    this(endpoint, body, useCache, null);
  }

  /** Fields that change how an answer is delivered or billed, never what it says. */
  private static final Set<String> NOT_IN_KEY = Set.of("user", "stream_options", "model");

  /** Characters of conversation that identify a prefix, for prefix affinity. */
  private static final int PREFIX_CHARS = 2048;

  static OpenAiRequest chat(ObjectNode body, boolean useCache) {
    return new OpenAiRequest(Endpoint.CHAT, body, useCache);
  }

  /** The model the client named, or null for "route to the optimal model". */
  String model() {
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      return null;
    }
    String name = model.asString();
    return name.isBlank() || name.equals("auto") ? null : name;
  }

  boolean stream() {
    return endpoint.streams() && body.path("stream").asBoolean(false);
  }

  /**
   * Only deterministic answers are replayed: embeddings, temperature 0, or when the caller asks.
   */
  boolean cacheable() {
    return endpoint == Endpoint.EMBEDDINGS
        || useCache
        || (body.has("temperature") && body.get("temperature").asDouble(1) == 0.0);
  }

  /**
   * The body for one backend: its own model name, usage reported also when streaming (for the cost
   * and the audit; the client gets that last chunk only if it asked, see {@link #usageAsked}). Most
   * often that is what the client sent, and those bytes go as they are rather than written anew.
   */
  byte[] forBackend(String backendModel) {
    if (sent != null && !stream() && backendModel.equals(body.path("model").asString(null))) {
      return sent;
    }
    ObjectNode copy = body.deepCopy();
    copy.put("model", backendModel);
    if (stream()) {
      // The client's other stream options (vLLM's continuous_usage_stats, say) go along.
      JsonNode options = copy.get("stream_options");
      (options instanceof ObjectNode own ? own : copy.putObject("stream_options"))
          .put("include_usage", true);
    }
    return OpenAiJson.MAPPER.writeValueAsBytes(copy);
  }

  /**
   * Whether a streaming client asked for the usage chunk (no choices, only usage) that OpenAI sends
   * last when {@code stream_options.include_usage} is set; clients that did not ask may read the
   * first choice of every chunk, and break on one without.
   */
  boolean usageAsked() {
    return body.path("stream_options").path("include_usage").asBoolean(false);
  }

  /** How many answers the client asked for (OpenAI's {@code n}), each up to {@link #maxTokens}. */
  int choices() {
    return Math.max(1, body.path("n").asInt(1));
  }

  /** Tokens the answer may take, as the client bounded them (0 when it did not). */
  int maxTokens() {
    return Math.max(body.path("max_tokens").asInt(0), body.path("max_completion_tokens").asInt(0));
  }

  /**
   * A rough count of the prompt's tokens (four characters each), enough to rule out models whose
   * context is far too small; the backend still has the last word.
   */
  int estimatedPromptTokens() {
    return text(body.get(endpoint == Endpoint.CHAT ? "messages" : promptField())).length() / 4;
  }

  /**
   * What a backend may already hold in its KV cache: the conversation before the last message, or
   * the start of a single prompt.
   */
  String prefix() {
    JsonNode messages = body.get("messages");
    String prefix;
    if (messages != null && messages.isArray() && messages.size() > 1) {
      StringBuilder before = new StringBuilder();
      for (int i = 0; i < messages.size() - 1 && before.length() < PREFIX_CHARS; i++) {
        before.append(messages.get(i).path("role").asString("")).append('\u0000');
        before.append(text(messages.get(i).get("content"))).append('\u0001');
      }
      prefix = before.toString();
    } else {
      prefix = text(messages != null ? messages : body.get(promptField()));
    }
    return prefix.length() > PREFIX_CHARS ? prefix.substring(0, PREFIX_CHARS) : prefix;
  }

  String promptField() {
    return endpoint == Endpoint.EMBEDDINGS ? "input" : "prompt";
  }

  /**
   * The text of a prompt, a message's content or a list of either: a message's content may be a
   * string or a list of parts, whose text is in their {@code text}.
   */
  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isString()) {
      return node.asString();
    }
    if (node.isArray()) {
      StringBuilder all = new StringBuilder();
      node.forEach(
          element ->
              all.append(
                  text(
                      element.isObject()
                          ? element.has("content") ? element.get("content") : element.get("text")
                          : element)));
      return all.toString();
    }
    return node.toString();
  }

  /**
   * The cache key: the endpoint, the served model and its exact digest, plus the whole request with
   * keys in a fixed order, so that an answer made under other settings is never served. The
   * readable part before the hash lets the cache be cleared by category and model.
   */
  String cacheKey(RoutableInstance served) {
    Map<String, Object> canonical = new TreeMap<>();
    body.properties()
        .forEach(
            e -> {
              if (!NOT_IN_KEY.contains(e.getKey())) {
                canonical.put(e.getKey(), sorted(e.getValue()));
              }
            });
    String model = served.provider() + "/" + served.modelName() + "@" + served.modelDigest();
    canonical.put("@model", model);
    // A server with a shorter context may cut a long prompt (Ollama does, silently): its answer
    // is not another's.
    canonical.put("@context_length", served.contextLength());
    byte[] bytes = OpenAiJson.MAPPER.writeValueAsBytes(canonical);
    return CacheKeys.of(
        endpoint.category(), model, HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  private static Object sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new TreeMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      return node.valueStream().map(OpenAiRequest::sorted).toList();
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
}
