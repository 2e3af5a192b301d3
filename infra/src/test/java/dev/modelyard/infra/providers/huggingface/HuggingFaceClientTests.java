package dev.modelyard.infra.providers.huggingface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real nginx mirror of the Hub, whose access log shows the Range headers it got. */
class HuggingFaceClientTests {

  private final String repo = TestServices.get("HF_TEST_REPO");
  private final String file = TestServices.get("HF_TEST_FILE");
  private final String sha256 = TestServices.get("HF_TEST_SHA256");
  private final long size = Long.parseLong(TestServices.get("HF_TEST_SIZE"));
  private final Path accessLog = Path.of(TestServices.get("NGINX_ACCESS_LOG"));
  private final String userAgent = "modelyard-test (" + UUID.randomUUID() + ")";
  private final HuggingFaceClient hub =
      new HuggingFaceClient(
          HuggingFaceSettings.of(URI.create(TestServices.get("HF_ENDPOINT")))
              .withUserAgent(userAgent));

  @TempDir Path dir;

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void modelInfoListsTheFileWithItsSha256AndSize() throws Exception {
    ModelInfo info = hub.modelInfo(repo);

    assertThat(info.id()).isEqualTo(repo);
    assertThat(info.sha()).matches("[0-9a-f]{40}");
    RepoFile gguf = info.file(file).orElseThrow();
    assertThat(gguf.size()).isEqualTo(size);
    assertThat(gguf.sha256()).hasValue(sha256);
    assertThat(gguf.lfs().size()).isEqualTo(size);
  }

  @Test
  void resumesAnInterruptedDownloadWithARangeRequestToTheExactFile() throws Exception {
    Path target = dir.resolve(file);
    assertThat(hub.download(repo, file, target, 0, progress -> {})).isEqualTo(size);
    // An interruption half-way leaves the first half on disk.
    long offset = size / 2;
    truncate(target, offset);
    long logBefore = Files.size(accessLog);
    List<DownloadProgress> progress = new CopyOnWriteArrayList<>();

    long total = hub.download(repo, file, target, offset, progress::add);

    assertThat(total).isEqualTo(size);
    assertThat(Files.size(target)).isEqualTo(size);
    assertThat(Sha256.of(target)).isEqualTo(sha256);
    assertThat(progress).allSatisfy(p -> assertThat(p.totalBytes()).isEqualTo(size));
    assertThat(progress.getFirst().bytesDone()).isGreaterThan(offset);
    assertThat(progress.getLast().bytesDone()).isEqualTo(size);
    assertThat(linesAppendedSince(accessLog, logBefore))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("GET /" + repo + "/resolve/main/" + file + " ")
                    .contains("status=206")
                    .contains("range=\"bytes=" + offset + "-\"")
                    .contains("ua=\"" + userAgent + "\""));
  }

  @Test
  void resumingAFileThatIsAlreadyCompleteDownloadsNothing() throws Exception {
    Path target = dir.resolve(file);
    hub.download(repo, file, target, 0, progress -> {});
    List<DownloadProgress> progress = new CopyOnWriteArrayList<>();

    assertThat(hub.download(repo, file, target, size, progress::add)).isEqualTo(size);

    assertThat(progress).isEmpty();
    assertThat(Sha256.of(target)).isEqualTo(sha256);
  }

  @Test
  void hashesWithProgressToTheListedSha256() throws Exception {
    Path target = dir.resolve(file);
    hub.download(repo, file, target, 0, progress -> {});
    List<Long> hashed = new CopyOnWriteArrayList<>();

    assertThat(Sha256.of(target, hashed::add)).isEqualTo(sha256);
    assertThat(hashed).isSorted().last().isEqualTo(size);
  }

  @Test
  void refusesToResumeFromAnOffsetTheTargetDoesNotHold() throws Exception {
    Path target = dir.resolve(file);
    Files.write(target, new byte[10]);

    assertThatThrownBy(() -> hub.download(repo, file, target, 20, progress -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds 10 bytes");
  }

  @Test
  void anUnknownRepositoryFailsWithStatus404() {
    assertThatThrownBy(() -> hub.modelInfo("modelyard/no-such-repo"))
        .isInstanceOfSatisfying(
            HuggingFaceException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("Repository not found");
  }

  private static void truncate(Path file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
  }

  private static List<String> linesAppendedSince(Path log, long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    // A log that shrank was rotated meanwhile: then all of it is new.
    int from = all.length >= offset ? (int) offset : 0;
    return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
  }
}
