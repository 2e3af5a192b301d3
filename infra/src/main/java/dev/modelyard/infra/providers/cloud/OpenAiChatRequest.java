package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What an adapter that translates into another API reads from an OpenAI chat request: the text of
 * the conversation and the sampling settings every provider has. A request that asks for more
 * (tools, a response format, several choices, log probabilities, images) is not sent: dropping what
 * it asked for would answer another question. Settings without an effect on the answer's form
 * (logit bias, a user id) are left out.
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
   * Reads and checks a request body. A body no provider could be given (not a chat request, no
   * messages) is the request's fault, a 400 the gateway hands back; one this provider's API cannot
   * express is {@link UntranslatableRequestException}, from which a fallback chain goes on.
   */
  public static OpenAiChatRequest parse(String provider, byte[] body) throws IOException {
    OpenAiChatRequest request;
    JsonNode tree;
    try {
      tree = OpenAiJson.MAPPER.readTree(body);
      request = OpenAiJson.MAPPER.treeToValue(tree, OpenAiChatRequest.class);
    } catch (JacksonException e) {
      throw new UpstreamException(
          400, provider + ": not an OpenAI chat request: " + e.getOriginalMessage());
    }
    if (request.messages() == null || request.messages().isEmpty()) {
      throw new UpstreamException(400, provider + ": messages must not be empty");
    }
    String unexpressed = askedBeyondText(tree);
    if (unexpressed != null) {
      throw new UntranslatableRequestException(
          provider
              + ": the request asks for "
              + unexpressed
              + ", which is not sent to this provider");
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
        throw new UntranslatableRequestException(
            provider + ": only text message content can be sent to this provider");
      }
    }
    return request;
  }

  /** What the body asks for beyond a text answer, or null when nothing. */
  private static String askedBeyondText(JsonNode body) {
    if (present(body.get("tools")) || present(body.get("functions"))) {
      return "tools";
    }
    JsonNode format = body.get("response_format");
    if (present(format) && !"text".equals(format.path("type").asString("text"))) {
      return "a response format (" + format.path("type").asString("") + ")";
    }
    if (body.path("n").asInt(1) > 1) {
      return "several choices (n)";
    }
    if (body.path("logprobs").asBoolean(false)) {
      return "log probabilities";
    }
    return null;
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull() && !(node.isArray() && node.isEmpty());
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
