package dev.modelyard.infra.providers.cloud.google;

import dev.modelyard.infra.providers.cloud.OpenAiChatRequest;
import dev.modelyard.infra.providers.cloud.UntranslatableRequestException;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** An OpenAI chat request as Gemini's generateContent takes it. */
final class GeminiRequests {

  /** The model is part of the request path, so only a plain model name may go there. */
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private GeminiRequests() {}

  static GenerateContentRequest translate(byte[] openAiBody) throws IOException {
    OpenAiChatRequest request = OpenAiChatRequest.parse(GoogleProvider.NAME, openAiBody);
    List<String> system = new ArrayList<>();
    List<Content> contents = new ArrayList<>();
    for (OpenAiChatRequest.Message message : request.messages()) {
      switch (message.role()) {
        case "system", "developer" -> system.add(message.text());
        case "user" -> contents.add(Content.of("user", message.text()));
        case "assistant" -> contents.add(Content.of("model", message.text()));
        case null, default ->
            throw new UntranslatableRequestException(
                GoogleProvider.NAME
                    + ": messages of role '"
                    + message.role()
                    + "' cannot be sent to this provider");
      }
    }
    if (contents.isEmpty()) {
      // OpenAI takes a conversation of system messages only; this API does not.
      throw new UntranslatableRequestException(
          GoogleProvider.NAME + ": a request needs at least one user message");
    }
    GenerateContentRequest.GenerationConfig config =
        new GenerateContentRequest.GenerationConfig(
            request.temperature(), request.tokenLimit(), request.topP(), request.stopSequences());
    boolean noConfig =
        config.temperature() == null
            && config.maxOutputTokens() == null
            && config.topP() == null
            && config.stopSequences() == null;
    return new GenerateContentRequest(
        contents,
        system.isEmpty() ? null : Content.of(null, String.join("\n\n", system)),
        noConfig ? null : config);
  }

  /** {@code gemini-2.5-flash}, also when given as the resource name {@code models/…}. */
  static String modelPath(String model) throws UpstreamException {
    String name = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (!MODEL_NAME.matcher(name).matches()) {
      throw new UpstreamException(400, GoogleProvider.NAME + ": not a model name: " + model);
    }
    return "/v1beta/models/" + name;
  }
}
