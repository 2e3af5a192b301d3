package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.huggingface.HuggingFaceClient;
import dev.modelyard.infra.providers.huggingface.HuggingFaceSettings;
import dev.modelyard.infra.providers.huggingface.Sha256;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.models.DownloadedFile;
import dev.modelyard.workflows.models.HuggingFaceActivities;
import dev.modelyard.workflows.models.HuggingFaceFile;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The download activities against the real Hugging Face mirror, one attempt at a time: what an
 * attempt does with the offset its predecessor heartbeated, with corrupt bytes and when cancelled.
 */
@Timeout(60)
class HuggingFaceActivitiesTests {

  private static final String REPO = TestServices.get("HF_TEST_REPO");
  private static final String FILE = TestServices.get("HF_TEST_FILE");
  private static final String SHA256 = TestServices.get("HF_TEST_SHA256");
  private static final long SIZE = Long.parseLong(TestServices.get("HF_TEST_SIZE"));
  private static final HuggingFaceFile MODEL = new HuggingFaceFile(REPO, FILE);

  @TempDir Path dataDir;

  private final String host = "activities-" + UUID.randomUUID().toString().substring(0, 8);
  private final AccessLog accessLog = AccessLog.fromNow();
  private final List<TransferProgress> heartbeats = new CopyOnWriteArrayList<>();
  private TestActivityEnvironment env;
  private Path target;
  private Path partial;

  @BeforeEach
  void start() {
    target = dataDir.resolve("models/huggingface").resolve(REPO).resolve(FILE);
    partial = target.resolveSibling(FILE + ".partial");
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void downloadsVerifiesAndMovesTheFileIntoPlace() throws Exception {
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);

    DownloadedFile downloaded = hub.downloadHuggingFaceFile(MODEL);
    String installed = hub.installHuggingFaceFile(downloaded);

    assertThat(downloaded)
        .isEqualTo(new DownloadedFile(partial.toString(), target.toString(), SIZE, SHA256));
    assertThat(installed).isEqualTo(target.toString());
    assertThat(Sha256.of(target)).isEqualTo(SHA256);
    assertThat(partial).doesNotExist();
    assertThat(heartbeats.getFirst()).isEqualTo(new TransferProgress(0, SIZE));
    assertThat(heartbeats).allSatisfy(h -> assertThat(h.bytesTotal()).isEqualTo(SIZE));
    assertThat(accessLog.requestsFor(FILE, host))
        .singleElement()
        .asString()
        .contains("range=\"-\"");
  }

  @Test
  void aRetriedInstallFindsTheFileInPlaceAndHeartbeatsWhileItHashesItAgain() throws Exception {
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);
    DownloadedFile downloaded = hub.downloadHuggingFaceFile(MODEL);
    hub.installHuggingFaceFile(downloaded);
    heartbeats.clear();

    // The attempt that moved the file timed out before it could say so; its retry runs.
    String installed = hub.installHuggingFaceFile(downloaded);

    assertThat(installed).isEqualTo(target.toString());
    // A large file takes minutes to hash: without heartbeats the retry would time out too.
    assertThat(heartbeats).isNotEmpty().allSatisfy(h -> assertThat(h.bytesTotal()).isEqualTo(SIZE));
  }

  @Test
  void aFileAlreadyInPlaceIsNotDownloadedAgainUnlessItsBytesDifferFromTheHubs() throws Exception {
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);
    hub.installHuggingFaceFile(hub.downloadHuggingFaceFile(MODEL));
    AccessLog afterFirstPull = AccessLog.fromNow();
    heartbeats.clear();

    DownloadedFile inPlace = hub.downloadHuggingFaceFile(MODEL);
    List<TransferProgress> downloadHeartbeats = List.copyOf(heartbeats);
    String again = hub.installHuggingFaceFile(inPlace);

    assertThat(again).isEqualTo(target.toString());
    assertThat(afterFirstPull.requestsFor(FILE, host)).isEmpty();
    // A retry of the download resumes from the bytes its heartbeats carried: hashing carried none.
    assertThat(downloadHeartbeats).isNotEmpty().allSatisfy(h -> assertThat(h.bytesDone()).isZero());

    // Same size, other bytes (a repository that changed, a damaged disk): downloaded afresh.
    byte[] damaged = Files.readAllBytes(target);
    damaged[damaged.length / 2] ^= 1;
    Files.write(target, damaged);
    String repaired = hub.installHuggingFaceFile(hub.downloadHuggingFaceFile(MODEL));

    assertThat(Sha256.of(Path.of(repaired))).isEqualTo(SHA256);
    assertThat(afterFirstPull.requestsFor(FILE, host)).singleElement();
  }

  @Test
  void aDownloadTheDiskHasNoRoomForFailsForGoodBeforeItStarts() throws Exception {
    long free = Files.getFileStore(dataDir).getUsableSpace();
    // More kept free than the disk has: other processes write and free space on it meanwhile.
    HuggingFaceActivities hub =
        activities(
            TransferPacer.UNLIMITED, DataSize.ofBytes(free + DataSize.ofTerabytes(1).toBytes()));

    assertThatThrownBy(() -> hub.downloadHuggingFaceFile(MODEL))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(HuggingFaceActivities.NOT_ENOUGH_SPACE);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains(SIZE + " bytes are left to download")
                  .contains("modelyard.models.download.keep-free");
            });
    assertThat(accessLog.requestsFor(FILE, host)).isEmpty();
    assertThat(partial).doesNotExist();
  }

  @Test
  void resumesFromTheHeartbeatedOffsetAndDropsTheBytesWrittenAfterIt() throws Exception {
    long heartbeated = SIZE / 2;
    byte[] original = download();
    // The attempt that died had written past its last heartbeat, and those bytes are garbage.
    Files.createDirectories(partial.getParent());
    byte[] onDisk =
        Arrays.copyOf(Arrays.copyOf(original, (int) heartbeated), (int) heartbeated + 5000);
    Files.write(partial, onDisk);
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);
    env.setHeartbeatDetails(new TransferProgress(heartbeated, SIZE));

    hub.installHuggingFaceFile(hub.downloadHuggingFaceFile(MODEL));

    assertThat(Sha256.of(target)).isEqualTo(SHA256);
    assertThat(accessLog.requestsFor(FILE, host))
        .singleElement()
        .asString()
        .contains("range=\"bytes=" + heartbeated + "-\"")
        .contains("status=206");
  }

  @Test
  void aChecksumMismatchDeletesTheDownloadAndFailsForTheWorkflowToDownloadAgain() throws Exception {
    long heartbeated = SIZE / 2;
    Files.createDirectories(partial.getParent());
    Files.write(partial, new byte[(int) heartbeated]);
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);
    env.setHeartbeatDetails(new TransferProgress(heartbeated, SIZE));
    DownloadedFile corrupt = hub.downloadHuggingFaceFile(MODEL);

    assertThatThrownBy(() -> hub.installHuggingFaceFile(corrupt))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(HuggingFaceActivities.CHECKSUM_MISMATCH);
              assertThat(f.isNonRetryable()).isTrue();
            });
    assertThat(partial).doesNotExist();
    assertThat(target).doesNotExist();
  }

  @Test
  void aCancelledDownloadStopsAtOnceAndDeletesItsPartialFile() throws Exception {
    HuggingFaceActivities hub = activities(new TransferPacer(100 * 1024));
    CompletableFuture<DownloadedFile> download =
        CompletableFuture.supplyAsync(() -> hub.downloadHuggingFaceFile(MODEL));
    await(() -> heartbeats.stream().anyMatch(h -> h.bytesDone() > 0));

    long cancelledAt = System.nanoTime();
    env.requestCancelActivity();

    assertThatThrownBy(() -> download.get(10, TimeUnit.SECONDS))
        .rootCause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(3));
    assertThat(partial).doesNotExist();
  }

  @Test
  void aFileTheRepositoryDoesNotHaveFailsForGood() {
    HuggingFaceActivities hub = activities(TransferPacer.UNLIMITED);

    assertThatThrownBy(
            () -> hub.downloadHuggingFaceFile(new HuggingFaceFile(REPO, "no-such-file.gguf")))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(HuggingFaceActivities.FILE_NOT_FOUND);
              assertThat(f.isNonRetryable()).isTrue();
            });
  }

  private HuggingFaceActivities activities(TransferPacer pacer) {
    return activities(pacer, DownloadSettings.DEFAULT_KEEP_FREE);
  }

  private HuggingFaceActivities activities(TransferPacer pacer, DataSize keepFree) {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HuggingFaceActivitiesImpl(
            new HuggingFaceClient(
                HuggingFaceSettings.of(URI.create(TestServices.get("HF_ENDPOINT")))
                    .withUserAgent("modelyard (host " + host + ")")),
            new ModelStore(dataDir.resolve("models")),
            () -> pacer,
            new DiskRoom(keepFree)));
    env.setActivityHeartbeatListener(TransferProgress.class, heartbeats::add);
    return env.newActivityStub(
        HuggingFaceActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            // The SDK sends heartbeats at 0.8 × this, so the test sees them and a cancellation
            // soon.
            .setHeartbeatTimeout(Duration.ofSeconds(1))
            .build());
  }

  /** The file's bytes, fetched by hand so as not to count as the activity's download. */
  private static byte[] download() throws IOException, InterruptedException {
    try (HuggingFaceClient client =
        new HuggingFaceClient(
            HuggingFaceSettings.of(URI.create(TestServices.get("HF_ENDPOINT"))))) {
      Path file = Files.createTempFile("hf-", ".gguf");
      try {
        client.download(REPO, FILE, file, 0, progress -> {});
        return Files.readAllBytes(file);
      } finally {
        Files.delete(file);
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
