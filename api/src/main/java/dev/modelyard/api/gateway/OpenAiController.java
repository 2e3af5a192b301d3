package dev.modelyard.api.gateway;

import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.registry.RoutableInstance;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's API, so that existing OpenAI SDKs and tools work against Modelyard unchanged. The body
 * is read leniently (clients send fields we do not know) and forwarded whole.
 */
@RestController
class OpenAiController {

  private final Gateway gateway;
  private final RoutingTable table;

  OpenAiController(Gateway gateway, RoutingTable table) {
    this.gateway = gateway;
    this.table = table;
  }

  /**
   * Written straight to the response on this (virtual) thread: a stream is relayed as it comes, and
   * a client that goes away fails the next write, which closes the upstream request. Errors before
   * the first byte still reach {@link OpenAiErrors}.
   */
  @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
  void chatCompletions(
      @RequestBody byte[] body, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(Endpoint.CHAT, body, request, response);
  }

  @PostMapping(path = "/v1/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
  void completions(
      @RequestBody byte[] body, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(Endpoint.COMPLETIONS, body, request, response);
  }

  /** Served by instances whose backend makes embeddings (Ollama, OpenAI-compatible servers). */
  @PostMapping(path = "/v1/embeddings", consumes = MediaType.APPLICATION_JSON_VALUE)
  void embeddings(
      @RequestBody byte[] body, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(Endpoint.EMBEDDINGS, body, request, response);
  }

  void serve(
      Endpoint endpoint, byte[] body, HttpServletRequest httpRequest, HttpServletResponse response)
      throws IOException {
    long start = System.nanoTime();
    OpenAiRequest request = new OpenAiRequest(endpoint, parse(endpoint, body), false, body);
    Consumer<PlannedModel> planned = planned(httpRequest);
    if (request.stream()) {
      Gateway.OpenStream open = gateway.openStream(request, null, planned);
      planned.accept(PlannedModel.of(open.instance()));
      long firstToken = System.nanoTime() - start;
      response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
      response.setCharacterEncoding("UTF-8");
      response.setHeader("Cache-Control", "no-cache");
      response.setHeader("X-Modelyard-Instance", open.instance().instanceId());
      response.setHeader("X-Modelyard-Cache", open.replay() != null ? "hit" : "miss");
      SentEvents sent = Gateway.sentEvents(open);
      boolean complete = false;
      try {
        complete = gateway.relay(open, response.getOutputStream(), sent, request.usageAsked());
      } finally {
        // Also when the client or the upstream stopped early: what was generated was paid for.
        Usage usage = Usages.ofEvents(sent.tail());
        if (!complete && usage.equals(Usages.NONE)) {
          usage = Usages.estimate(body.length, sent.count());
        }
        httpRequest.setAttribute(
            GenerationOutcome.ATTRIBUTE,
            gateway.account(
                caller(httpRequest),
                endpoint.path(),
                open.instance(),
                open.replay() != null,
                true,
                usage,
                start,
                firstToken));
      }
      return;
    }
    Gateway.Served served = gateway.complete(request, null, planned);
    planned.accept(PlannedModel.of(served.instance()));
    // Accounted before it is written: a client that hangs up during the write was still served.
    httpRequest.setAttribute(
        GenerationOutcome.ATTRIBUTE,
        gateway.account(
            caller(httpRequest),
            endpoint.path(),
            served.instance(),
            served.cached(),
            false,
            Usages.ofBody(served.body()),
            start,
            -1));
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setHeader("X-Modelyard-Instance", served.instance().instanceId());
    response.setHeader("X-Modelyard-Cache", served.cached() ? "hit" : "miss");
    response.setContentLength(served.body().length);
    response.getOutputStream().write(served.body());
  }

  /** Who the request is from, as security authenticated it. */
  static String caller(HttpServletRequest request) {
    return request.getUserPrincipal() != null ? request.getUserPrincipal().getName() : null;
  }

  /**
   * Leaves on the request the model tried first, then the one that answered, for the metrics and
   * audit of a request that fails before its outcome is left.
   */
  static Consumer<PlannedModel> planned(HttpServletRequest request) {
    return planned -> request.setAttribute(PlannedModel.ATTRIBUTE, planned);
  }

  @GetMapping("/v1/models")
  ModelList models() {
    Map<String, ModelEntry> models = new LinkedHashMap<>();
    for (RoutableInstance instance : table.candidates(null, null)) {
      models.putIfAbsent(
          instance.modelName(),
          new ModelEntry(instance.modelName(), "model", 0, instance.provider()));
    }
    return new ModelList("list", List.copyOf(models.values()));
  }

  private static ObjectNode parse(Endpoint endpoint, byte[] body) {
    JsonNode node;
    try {
      node = OpenAiJson.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new OpenAiRequestException("the body is not valid JSON", null);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new OpenAiRequestException("the body must be a JSON object", null);
    }
    switch (endpoint) {
      case CHAT -> {
        JsonNode messages = object.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
          throw new OpenAiRequestException("messages must be a non-empty array", "messages");
        }
      }
      case COMPLETIONS -> requireText(object, "prompt");
      case EMBEDDINGS -> requireText(object, "input");
    }
    JsonNode temperature = object.get("temperature");
    if (temperature != null
        && !temperature.isNull()
        && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
      throw new OpenAiRequestException("temperature must be a number from 0 to 2", "temperature");
    }
    for (String field : List.of("max_tokens", "max_completion_tokens")) {
      JsonNode maxTokens = object.get(field);
      if (maxTokens != null
          && !maxTokens.isNull()
          && (!maxTokens.isInt() || maxTokens.asInt() < 1)) {
        throw new OpenAiRequestException(field + " must be a whole number, at least 1", field);
      }
    }
    JsonNode model = object.get("model");
    if (model != null && !model.isNull() && !model.isString()) {
      // Read as a name further on, where an object or an array was a 500.
      throw new OpenAiRequestException("model must be a string", "model");
    }
    return object;
  }

  /** A string, or a non-empty array of them (token arrays pass through as they are). */
  private static void requireText(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    boolean valid =
        value != null
            && ((value.isString() && !value.asString().isEmpty())
                || (value.isArray() && !value.isEmpty()));
    if (!valid) {
      throw new OpenAiRequestException(
          field + " must be a non-empty string or a non-empty array", field);
    }
  }

  record ModelList(String object, List<ModelEntry> data) {}

  record ModelEntry(String id, String object, long created, String ownedBy) {}
}
