package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What an adapter that translates into another API reads from an OpenAI chat request: the text of
 * the conversation and the sampling settings every provider has. Anything else in the body (tools,
 * images, logit bias) has no counterpart there and is not sent.
 */
public record OpenAiChatRequest(
    List<Message> messages,
    Integer maxTokens,
    Integer maxCompletionTokens,
    Double temperature,
    Double topP,
    JsonNode stop) {

  /** One message; OpenAI's content is either a string or a list of typed parts. */
  public record Message(String role, JsonNode content) {

    /** The text of the message: the string, or its text parts joined. */
    public String text() {
      if (content == null || content.isNull()) {
        return "";
      }
      if (content.isString()) {
        return content.stringValue();
      }
      StringBuilder text = new StringBuilder();
      content.valueStream().forEach(part -> text.append(part.path("text").asString("")));
      return text.toString();
    }
  }

  /**
   * Reads and checks a request body. A body the provider could not be given is the request's fault,
   * so it fails as a 400 the gateway hands back rather than as a failure to fall over from.
   */
  public static OpenAiChatRequest parse(String provider, byte[] body) throws UpstreamException {
    OpenAiChatRequest request;
    try {
      request = OpenAiJson.MAPPER.readValue(body, OpenAiChatRequest.class);
    } catch (JacksonException e) {
      throw new UpstreamException(
          400, provider + ": not an OpenAI chat request: " + e.getOriginalMessage());
    }
    if (request.messages() == null || request.messages().isEmpty()) {
      throw new UpstreamException(400, provider + ": messages must not be empty");
    }
    for (Message message : request.messages()) {
      JsonNode content = message.content();
      boolean textOnly =
          content == null
              || content.isNull()
              || content.isString()
              || (content.isArray()
                  && content.valueStream().allMatch(p -> "text".equals(p.path("type").asString())));
      if (!textOnly) {
        throw new UpstreamException(
            400, provider + ": only text message content can be sent to this provider");
      }
    }
    return request;
  }

  /** The token limit the client asked for, under either of OpenAI's names. */
  public Integer tokenLimit() {
    return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
  }

  /** OpenAI's {@code stop}, a string or a list of strings, as a list (null when absent). */
  public List<String> stopSequences() {
    if (stop == null || stop.isNull()) {
      return null;
    }
    if (stop.isString()) {
      return List.of(stop.stringValue());
    }
    List<String> sequences = new ArrayList<>();
    stop.valueStream().forEach(s -> sequences.add(s.asString()));
    return sequences.isEmpty() ? null : List.copyOf(sequences);
  }
}
