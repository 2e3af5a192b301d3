package dev.modelyard.infra.engine;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GGUF model loaded into llama.cpp in this process (through java-llama.cpp's JNI binding). It
 * serves as many generations at once as it has slots; further callers wait for a slot.
 */
public final class LlamaEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LlamaEngine.class);

  static {
    // llama.cpp logs every slot update; keep it at debug level, out of the console.
    LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> log.debug("{}", message.strip()));
  }

  private final LlamaModel model;
  private final Semaphore slots;
  private final EngineOptions options;
  private volatile boolean closing;

  /** How long a stop waits for the generations under way to end. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private LlamaEngine(LlamaModel model, EngineOptions options) {
    this.model = model;
    this.options = options;
    this.slots = new Semaphore(options.parallelSlots(), true);
  }

  public static LlamaEngine load(Path gguf, EngineOptions options) {
    ModelParameters parameters =
        new ModelParameters()
            .setModel(gguf.toString())
            .setCtxSize(options.contextLength() * options.parallelSlots())
            .setThreads(options.cpuThreads())
            .setParallel(options.parallelSlots())
            // llama.cpp's server prints every slot update straight to the process's stdout,
            // past any Java logger; its failures still reach us as exceptions.
            .disableLog();
    return new LlamaEngine(new LlamaModel(parameters), options);
  }

  public EngineOptions options() {
    return options;
  }

  /** Generates a completion of the chat, calling {@code onToken} for each piece of text. */
  public Completion chat(ChatPrompt prompt, Consumer<String> onToken) throws InterruptedException {
    InferenceParameters parameters =
        new InferenceParameters("")
            .setMessages(
                prompt.system(),
                prompt.messages().stream().map(m -> new Pair<>(m.role(), m.content())).toList())
            .setUseChatTemplate(true)
            .setNPredict(prompt.maxTokens())
            .setTemperature(prompt.temperature())
            .setSeed(prompt.seed());
    return generate(parameters, null, prompt.maxTokens(), onToken);
  }

  /** Continues a raw prompt (no chat template), calling {@code onToken} for each piece of text. */
  public Completion complete(TextPrompt prompt, Consumer<String> onToken)
      throws InterruptedException {
    InferenceParameters parameters =
        new InferenceParameters(prompt.text())
            .setNPredict(prompt.maxTokens())
            .setTemperature(prompt.temperature())
            .setSeed(prompt.seed());
    return generate(parameters, prompt.text(), prompt.maxTokens(), onToken);
  }

  private Completion generate(
      InferenceParameters parameters, String rawPrompt, int maxTokens, Consumer<String> onToken)
      throws InterruptedException {
    slots.acquire();
    LlamaIterator tokens = null;
    boolean finished = false;
    try {
      requireOpen();
      // A chat's prompt is its messages through the model's template.
      String prompt = rawPrompt != null ? rawPrompt : model.applyTemplate(parameters);
      int promptTokens = model.encode(prompt).length;
      StringBuilder text = new StringBuilder();
      int completionTokens = 0;
      tokens = model.generate(parameters).iterator();
      while (tokens.hasNext()) {
        LlamaOutput output = tokens.next();
        // The binding ends with an empty piece that carries only the stop flag.
        if (!output.text.isEmpty()) {
          completionTokens++;
          text.append(output.text);
          onToken.accept(output.text);
        }
        requireOpen();
      }
      finished = true;
      String finishReason = completionTokens >= maxTokens ? "length" : "stop";
      return new Completion(text.toString(), promptTokens, completionTokens, finishReason);
    } finally {
      if (tokens != null && !finished) {
        // Abandoned (its client gone, the engine closing): llama.cpp would otherwise go on
        // generating into a queue nobody reads, holding a native slot the next caller waits for.
        tokens.cancel();
      }
      slots.release();
    }
  }

  private void requireOpen() {
    if (closing) {
      throw new IllegalStateException("the engine is stopping");
    }
  }

  /**
   * Frees the model once the generations under way have ended: each stops at its next token once
   * closing begins. One still running after {@link #CLOSE_WAIT} (stuck in a long prompt) leaves the
   * model loaded, with an error in the log: freeing memory a native call still uses would crash the
   * whole process.
   */
  @Override
  public void close() {
    closing = true;
    int all = options.parallelSlots();
    try {
      if (!slots.tryAcquire(all, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.error(
            "Engine not freed: a generation was still running {} after the stop began", CLOSE_WAIT);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.error("Engine not freed: interrupted while its generations ended");
      return;
    }
    model.close();
    // Callers that come later get "stopping" rather than wait for a slot for good.
    slots.release(all);
  }

  /** A chat to complete: an optional system prompt, then user and assistant turns. */
  public record ChatPrompt(
      String system, List<Message> messages, int maxTokens, float temperature, int seed) {}

  public record Message(String role, String content) {}

  /** A raw prompt to continue. */
  public record TextPrompt(String text, int maxTokens, float temperature, int seed) {}

  public record Completion(
      String text, int promptTokens, int completionTokens, String finishReason) {}
}
