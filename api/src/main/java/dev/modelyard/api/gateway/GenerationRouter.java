package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.workflows.models.Provider;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The seed's generate call, in Modelyard's own shape, served through the same gateway. */
@Service
class GenerationRouter {

  private final Gateway gateway;

  GenerationRouter(Gateway gateway) {
    this.gateway = gateway;
  }

  /** Generates, leaving what was served on {@code httpRequest} for the audit log and metrics. */
  GenerateResponse generate(GenerateRequest request, HttpServletRequest httpRequest) {
    long started = System.nanoTime();
    Consumer<PlannedModel> planned = OpenAiController.planned(httpRequest);
    Gateway.Served served =
        gateway.complete(
            OpenAiRequest.chat(chat(request), Boolean.TRUE.equals(request.useCache())),
            providerName(request.providerPreference()),
            planned);
    planned.accept(PlannedModel.of(served.instance()));
    ChatCompletionResponse answer =
        OpenAiJson.MAPPER.readValue(served.body(), ChatCompletionResponse.class);
    ChatCompletionResponse.Usage usage = answer.usage();
    httpRequest.setAttribute(
        GenerationOutcome.ATTRIBUTE,
        gateway.account(
            OpenAiController.caller(httpRequest),
            "/api/v1/local-llm/generate",
            served.instance(),
            served.cached(),
            false,
            usage != null ? new Usage(usage.promptTokens(), usage.completionTokens()) : Usages.NONE,
            started,
            -1));
    return new GenerateResponse(
        answer.text(),
        served.instance().modelName(),
        served.instance().provider(),
        served.instance().instanceId(),
        usage != null ? usage.promptTokens() : 0,
        usage != null ? usage.completionTokens() : 0,
        usage != null ? usage.totalTokens() : 0,
        Duration.ofNanos(System.nanoTime() - started).toMillis(),
        served.cached());
  }

  private static ObjectNode chat(GenerateRequest request) {
    ObjectNode body = OpenAiJson.MAPPER.createObjectNode();
    if (request.modelPreference() != null) {
      body.put("model", request.modelPreference());
    }
    ArrayNode messages = body.putArray("messages");
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      messages.addObject().put("role", "system").put("content", request.systemPrompt());
    }
    messages.addObject().put("role", "user").put("content", request.prompt());
    body.put("max_tokens", request.maxTokensOrDefault());
    body.put("temperature", request.temperatureOrDefault());
    if (request.temperatureOrDefault() == 0.0) {
      body.put("seed", 0);
    }
    return body;
  }

  private static String providerName(String preference) {
    if (preference == null || preference.isBlank()) {
      return null;
    }
    return Provider.fromWireName(preference)
        .map(Provider::wireName)
        .orElseThrow(
            () ->
                new InvalidFieldException(
                    "provider_preference", "unknown provider '" + preference + "'"));
  }
}
