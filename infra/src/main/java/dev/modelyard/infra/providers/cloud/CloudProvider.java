package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A cloud model API behind OpenAI's chat completions format, so that the gateway can fall back to
 * it exactly as it calls a local instance. An answer the provider refused arrives as an {@link
 * UpstreamException} carrying its HTTP status (5xx and 429: try elsewhere; other 4xx: the request's
 * fault); a connection error or timeout as any other {@link IOException}.
 */
public interface CloudProvider {

  /** {@code openai}, {@code anthropic} or {@code google}: the provider column of cost records. */
  String name();

  /**
   * Generates a whole answer.
   *
   * @param openAiChatRequestBody an OpenAI chat completion request, as the client sent it
   * @param model the provider's own model name, which replaces the body's
   * @return an OpenAI {@code chat.completion} body with {@code usage}
   */
  byte[] chat(byte[] openAiChatRequestBody, String model) throws IOException, InterruptedException;

  /**
   * Starts a streamed answer once the provider has accepted it.
   *
   * @param accepted how long the provider may take to accept the stream (its answer's headers): the
   *     time a first event may take, not the request timeout of a whole answer
   * @return OpenAI server-sent events ({@code data: {chat.completion.chunk}}), the last chunk
   *     carrying {@code usage}, then {@code data: [DONE]}; closing it cancels the upstream request
   */
  InputStream chatStream(byte[] openAiChatRequestBody, String model, Duration accepted)
      throws IOException, InterruptedException;
}
