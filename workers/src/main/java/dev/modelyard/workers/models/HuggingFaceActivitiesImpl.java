package dev.modelyard.workers.models;

import dev.modelyard.infra.providers.huggingface.DownloadProgress;
import dev.modelyard.infra.providers.huggingface.HuggingFaceClient;
import dev.modelyard.infra.providers.huggingface.HuggingFaceException;
import dev.modelyard.infra.providers.huggingface.RepoFile;
import dev.modelyard.infra.providers.huggingface.Sha256;
import dev.modelyard.workflows.models.DownloadedFile;
import dev.modelyard.workflows.models.HuggingFaceActivities;
import dev.modelyard.workflows.models.HuggingFaceFile;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class HuggingFaceActivitiesImpl implements HuggingFaceActivities, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HuggingFaceActivitiesImpl.class);

  /** The Hub's CDN keeps bytes flowing; a minute without any is a dead connection. */
  static final Duration STALL_TIMEOUT = Duration.ofMinutes(1);

  /** Flushing a large file to a slow disk reports no progress; past this it is taken as stuck. */
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(30);

  private final HuggingFaceClient hub;
  private final ModelStore store;
  private final Supplier<TransferPacer> pacers;
  private final DiskRoom room;

  HuggingFaceActivitiesImpl(
      HuggingFaceClient hub, ModelStore store, Supplier<TransferPacer> pacers, DiskRoom room) {
    this.hub = hub;
    this.store = store;
    this.pacers = pacers;
    this.room = room;
  }

  @Override
  public DownloadedFile downloadHuggingFaceFile(HuggingFaceFile file) {
    ActivityExecutionContext activity = Activity.getExecutionContext();
    Path target = store.huggingFaceFile(file);
    Path partial = ModelStore.partialOf(target);
    // Read before this attempt heartbeats: where the last one got to.
    TransferProgress resumable = activity.getHeartbeatDetails(TransferProgress.class).orElse(null);
    RepoFile listed;
    try {
      // The Hub may be slow to answer: heartbeats go on meanwhile, carrying the last attempt's
      // offset forward in case this one dies too.
      listed =
          HeartbeatingTransfer.run(activity, resumable, STALL_TIMEOUT, progress -> listing(file));
    } catch (IOException e) {
      throw classified(file, e);
    }
    long size = listed.size();
    String sha256 =
        listed
            .sha256()
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "the Hub lists no SHA-256 for "
                            + file
                            + ", so a download cannot be verified",
                        CHECKSUM_UNAVAILABLE));
    try {
      // A retry after an attempt that only hashed heartbeated no bytes (see isInPlace).
      if ((resumable == null || resumable.bytesDone() == 0)
          && isInPlace(activity, target, size, sha256, false)) {
        // A pull of a file already in place: install finds no partial file and checks it again.
        // A partial file left by an earlier pull of it (one pull of a file runs at a time) goes.
        Files.deleteIfExists(partial);
        return new DownloadedFile(partial.toString(), target.toString(), size, sha256);
      }
      Files.createDirectories(partial.getParent());
      long offset = trustedOffset(resumable, partial, size);
      try (DiskRoom.Claim claimed = room.claim(file, partial, size, offset)) {
        HeartbeatingTransfer.run(
            activity,
            new TransferProgress(offset, size),
            STALL_TIMEOUT,
            progress -> download(file, partial, offset, size, progress));
      }
    } catch (ActivityCanceledException e) {
      // A heartbeat timeout is not a cancellation: the retry resumes from what is on disk.
      if (!(e.getCause() instanceof TimeoutFailure)) {
        deleteQuietly(partial);
      }
      throw e;
    } catch (IOException e) {
      throw classified(file, e);
    }
    return new DownloadedFile(partial.toString(), target.toString(), size, sha256);
  }

  @Override
  public String installHuggingFaceFile(DownloadedFile download) {
    ActivityExecutionContext activity = Activity.getExecutionContext();
    Path partial = store.inside(download.partialPath());
    Path target = store.inside(download.finalPath());
    try {
      if (!Files.exists(partial)) {
        return alreadyInstalled(activity, download, target);
      }
      long size = Files.size(partial);
      if (size != download.sizeBytes()) {
        throw mismatch(partial, size + " bytes where the Hub lists " + download.sizeBytes());
      }
      String actual =
          HeartbeatingTransfer.run(
              activity,
              new TransferProgress(0, size),
              STALL_TIMEOUT,
              progress ->
                  Sha256.of(
                      partial, hashed -> progress.report(new TransferProgress(hashed, size))));
      if (!actual.equals(download.sha256())) {
        throw mismatch(partial, "SHA-256 " + actual + " where the Hub lists " + download.sha256());
      }
      // On disk before it takes the final name, so that a crash cannot leave a short file there.
      // Gigabytes may still be unwritten: heartbeats go on while they are.
      HeartbeatingTransfer.run(
          activity,
          new TransferProgress(size, size),
          FLUSH_TIMEOUT,
          progress -> {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
              channel.force(true);
            }
            return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
          });
      log.info("Installed {} ({} bytes, SHA-256 verified)", target, size);
      return target.toString();
    } catch (IOException e) {
      throw Activity.wrap(e);
    }
  }

  @Override
  public void discardHuggingFaceDownload(HuggingFaceFile file) {
    try {
      Files.deleteIfExists(ModelStore.partialOf(store.huggingFaceFile(file)));
    } catch (IOException e) {
      throw Activity.wrap(e);
    }
  }

  @Override
  public void close() {
    hub.close();
  }

  private RepoFile listing(HuggingFaceFile file) {
    try {
      return hub.modelInfo(file.repo())
          .file(file.path())
          .orElseThrow(
              () ->
                  ApplicationFailure.newNonRetryableFailure(
                      "repository " + file.repo() + " has no file " + file.path(), FILE_NOT_FOUND));
    } catch (IOException e) {
      throw classified(file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  /**
   * Where to resume: the offset the last attempt heartbeated, as far as the partial file holds it.
   * Bytes after that offset may have been written by an attempt that died mid-write, so they go.
   */
  private static long trustedOffset(TransferProgress resumable, Path partial, long size)
      throws IOException {
    long heartbeated = resumable != null ? resumable.bytesDone() : 0;
    long onDisk = Files.exists(partial) ? Files.size(partial) : 0;
    long offset = Math.min(heartbeated, onDisk);
    if (offset > size) {
      // The file on the Hub shrank since: nothing of the old download fits.
      offset = 0;
    }
    if (onDisk > offset) {
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.truncate(offset);
      }
    }
    if (offset > 0) {
      log.info("Resuming {} at byte {} of {}", partial, offset, size);
    }
    return offset;
  }

  private long download(
      HuggingFaceFile file,
      Path partial,
      long offset,
      long size,
      HeartbeatingTransfer.Progress progress)
      throws IOException, InterruptedException {
    try {
      return hub.download(
          file.repo(), file.path(), partial, offset, reporting(progress, offset, size));
    } catch (HuggingFaceException e) {
      if (offset == 0 || e.status() != 200) {
        throw e;
      }
      // The server ignored the Range header: resuming is impossible there, starting over is not.
      log.info("{} cannot resume ({}); downloading it whole", file, e.getMessage());
      return hub.download(file.repo(), file.path(), partial, 0, reporting(progress, 0, size));
    }
  }

  private Consumer<DownloadProgress> reporting(
      HeartbeatingTransfer.Progress progress, long offset, long size) {
    TransferPacer pacer = pacers.get();
    return step -> {
      progress.report(new TransferProgress(step.bytesDone(), size));
      try {
        pacer.pace(step.bytesDone() - offset);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new InterruptedIOException("download stopped"));
      }
    };
  }

  /**
   * Whether the file in place is the one the Hub lists now (its size, then its hash): a model
   * pulled again, or pulled anew after its registration was deleted, is then not downloaded again.
   * A file of another size, or whose hash differs (the repository changed), is downloaded afresh.
   *
   * @param hashingIsProgress whether the heartbeats carry the bytes hashed; a download's must not,
   *     since a retry of it resumes from the bytes they carry
   */
  private static boolean isInPlace(
      ActivityExecutionContext activity,
      Path target,
      long size,
      String sha256,
      boolean hashingIsProgress)
      throws IOException {
    return Files.isRegularFile(target)
        && Files.size(target) == size
        && HeartbeatingTransfer.run(
                activity,
                new TransferProgress(0, size),
                STALL_TIMEOUT,
                progress ->
                    Sha256.of(
                        target,
                        hashed -> {
                          if (hashingIsProgress) {
                            progress.report(new TransferProgress(hashed, size));
                          } else {
                            progress.alive();
                          }
                        }))
            .equals(sha256);
  }

  /**
   * The partial file is gone: fine if an earlier attempt already moved it into place (one that
   * timed out while flushing, say). Hashing it again takes as long as the first time, so it
   * heartbeats as that did.
   */
  private static String alreadyInstalled(
      ActivityExecutionContext activity, DownloadedFile download, Path target) throws IOException {
    if (isInPlace(activity, target, download.sizeBytes(), download.sha256(), true)) {
      return target.toString();
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "no download to verify at " + download.partialPath(), DOWNLOAD_MISSING);
  }

  private static ApplicationFailure mismatch(Path partial, String what) throws IOException {
    Files.deleteIfExists(partial);
    return ApplicationFailure.newNonRetryableFailure(
        partial + " holds " + what + "; deleted it so that the next download starts afresh",
        CHECKSUM_MISMATCH);
  }

  /** 404 and refusals are final; everything else (5xx, 429, broken connections) is retried. */
  private static RuntimeException classified(HuggingFaceFile file, IOException e) {
    if (e instanceof HuggingFaceException hub) {
      int status = hub.status();
      if (status == 404) {
        return ApplicationFailure.newNonRetryableFailure(
            file + " is not on the Hub: " + hub.getMessage(), FILE_NOT_FOUND);
      }
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        return ApplicationFailure.newNonRetryableFailure(hub.getMessage(), REQUEST_REJECTED);
      }
    }
    return Activity.wrap(e);
  }

  private static void deleteQuietly(Path partial) {
    try {
      Files.deleteIfExists(partial);
    } catch (IOException e) {
      // The workflow's cleanup activity tries again; the cancellation is what to report.
      log.warn("Could not delete {} after a cancellation", partial, e);
    }
  }
}
