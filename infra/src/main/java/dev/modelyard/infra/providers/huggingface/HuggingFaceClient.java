package dev.modelyard.infra.providers.huggingface;

import dev.modelyard.infra.providers.Snippets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads model repositories from the Hugging Face Hub, or from a mirror that speaks its API, and
 * downloads their files in a way that can resume after an interruption.
 */
public final class HuggingFaceClient implements AutoCloseable {

  /** The branch downloads read from. */
  public static final String REVISION = "main";

  private static final Pattern REPO_ID = Pattern.compile("[\\w.-]+/[\\w.-]+");
  private static final int BUFFER_SIZE = 1 << 16;

  /** Often enough for a progress bar, rarely enough not to flood a heartbeat. */
  private static final long PROGRESS_STEP_BYTES = 256 * 1024;

  // The Hub adds fields over time, and omits sizes unless asked; absent numbers read as 0.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private final String endpoint;
  private final Duration requestTimeout;
  private final String userAgent;
  private final HttpClient http;

  public HuggingFaceClient(HuggingFaceSettings settings) {
    this.endpoint = settings.endpoint().toString().replaceAll("/+$", "");
    this.requestTimeout = settings.requestTimeout();
    this.userAgent = settings.userAgent();
    // The Hub answers downloads of large files with a redirect to its CDN.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The repository's current commit and its files with their sizes and SHA-256 sums. */
  public ModelInfo modelInfo(String repo) throws IOException, InterruptedException {
    // Without blobs=true the Hub lists file names only.
    URI uri = URI.create(endpoint + "/api/models/" + checkedRepo(repo) + "?blobs=true");
    HttpResponse<byte[]> response = http.send(get(uri).build(), BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw failure(
          uri, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return JSON.readValue(response.body(), ModelInfo.class);
  }

  /**
   * Downloads {@code file} of {@code repo} into {@code target}, starting at byte {@code
   * fromOffset}: 0 starts afresh, more resumes by appending to a target that holds exactly that
   * many bytes. Returns the file's full size.
   *
   * <p>A resumed download fails rather than corrupt the target when the server does not serve the
   * requested range. A connection that ends early fails too, leaving what arrived on disk to resume
   * from.
   */
  public long download(
      String repo, String file, Path target, long fromOffset, Consumer<DownloadProgress> progress)
      throws IOException, InterruptedException {
    requireResumable(target, fromOffset);
    URI uri = resolveUri(repo, file);
    HttpRequest.Builder request = get(uri);
    if (fromOffset > 0) {
      request.header("Range", "bytes=" + fromOffset + "-");
    }
    HttpResponse<InputStream> response = http.send(request.build(), BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (fromOffset > 0 && response.statusCode() == 416) {
        return sizeOfCompleteFile(uri, response, body, fromOffset);
      }
      long total = expectedTotal(uri, response, body, fromOffset);
      OpenOption[] mode =
          fromOffset == 0
              ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING}
              : new OpenOption[] {StandardOpenOption.APPEND};
      long done;
      try (OutputStream out = Files.newOutputStream(target, mode)) {
        done = copy(body, out, fromOffset, total, progress);
      }
      if (total >= 0 && done != total) {
        throw new IOException(
            uri
                + ": the connection ended at byte "
                + done
                + " of "
                + total
                + "; resume from there");
      }
      return done;
    }
  }

  @Override
  public void close() {
    http.close();
  }

  private static void requireResumable(Path target, long fromOffset) throws IOException {
    if (fromOffset < 0) {
      throw new IllegalArgumentException("fromOffset must not be negative, was " + fromOffset);
    }
    if (fromOffset > 0 && (!Files.exists(target) || Files.size(target) != fromOffset)) {
      throw new IllegalArgumentException(
          "cannot resume at byte "
              + fromOffset
              + ": "
              + target
              + (Files.exists(target) ? " holds " + Files.size(target) + " bytes" : " is missing"));
    }
  }

  /**
   * The file's full size, checking that the server sent what was asked: all of it, or the rest from
   * exactly {@code fromOffset}.
   */
  private long expectedTotal(
      URI uri, HttpResponse<InputStream> response, InputStream body, long fromOffset)
      throws IOException {
    int status = response.statusCode();
    if (fromOffset == 0) {
      if (status != 200) {
        throw failure(uri, status, snippet(body));
      }
      return response.headers().firstValueAsLong("Content-Length").orElse(-1);
    }
    if (status == 200) {
      throw new HuggingFaceException(
          status,
          uri + " ignored Range bytes=" + fromOffset + "- and sent the whole file; start over");
    }
    if (status != 206) {
      throw failure(uri, status, snippet(body));
    }
    ContentRange range = contentRange(uri, response);
    if (range.start() != fromOffset) {
      throw new HuggingFaceException(
          status, uri + " sent bytes from " + range.start() + " when asked for " + fromOffset);
    }
    return range.total();
  }

  /** 416 for a range starting at the end: nothing was left to download. */
  private long sizeOfCompleteFile(
      URI uri, HttpResponse<InputStream> response, InputStream body, long fromOffset)
      throws IOException {
    ContentRange range = contentRange(uri, response);
    if (range.total() != fromOffset) {
      throw failure(uri, response.statusCode(), snippet(body));
    }
    return fromOffset;
  }

  private static ContentRange contentRange(URI uri, HttpResponse<InputStream> response)
      throws HuggingFaceException {
    String header =
        response
            .headers()
            .firstValue("Content-Range")
            .orElseThrow(
                () ->
                    new HuggingFaceException(
                        response.statusCode(),
                        uri + " answered " + response.statusCode() + " without Content-Range"));
    return ContentRange.parse(header);
  }

  private static long copy(
      InputStream in, OutputStream out, long done, long total, Consumer<DownloadProgress> progress)
      throws IOException {
    byte[] buffer = new byte[BUFFER_SIZE];
    long reported = done;
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
      done += n;
      if (done - reported >= PROGRESS_STEP_BYTES) {
        progress.accept(new DownloadProgress(done, total));
        reported = done;
      }
    }
    if (reported != done) {
      progress.accept(new DownloadProgress(done, total));
    }
    return done;
  }

  private URI resolveUri(String repo, String file) {
    String encodedFile =
        Arrays.stream(file.split("/"))
            .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
            .collect(Collectors.joining("/"));
    return URI.create(
        endpoint + "/" + checkedRepo(repo) + "/resolve/" + REVISION + "/" + encodedFile);
  }

  private HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", userAgent);
  }

  private static String checkedRepo(String repo) {
    if (repo == null || !REPO_ID.matcher(repo).matches()) {
      throw new IllegalArgumentException("repository must be owner/name, was '" + repo + "'");
    }
    return repo;
  }

  private static String snippet(InputStream body) throws IOException {
    byte[] head = body.readNBytes(Snippets.LENGTH);
    return new String(head, StandardCharsets.UTF_8);
  }

  private static HuggingFaceException failure(URI uri, int status, String body) {
    return new HuggingFaceException(
        status, uri + " answered " + status + ": " + Snippets.of(body).strip());
  }
}
