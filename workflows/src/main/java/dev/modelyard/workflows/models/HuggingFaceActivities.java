package dev.modelyard.workflows.models;

import io.temporal.activity.ActivityInterface;

/**
 * Downloads from the Hugging Face Hub into this host's model store. Run on the queue of the host
 * that keeps the file; each method heartbeats {@link
 * dev.modelyard.workflows.tasks.TransferProgress}.
 */
@ActivityInterface
public interface HuggingFaceActivities {

  /** The repository or the file is not on the Hub; never retried. */
  String FILE_NOT_FOUND = "HuggingFaceFileNotFound";

  /** The Hub refused the request (gated or private repository, bad request); never retried. */
  String REQUEST_REJECTED = "HuggingFaceRequestRejected";

  /** The listing gives no SHA-256 for the file, so a download could not be verified. */
  String CHECKSUM_UNAVAILABLE = "ChecksumUnavailable";

  /**
   * The downloaded bytes do not hash to the listing's SHA-256. They are deleted, so retrying the
   * verification cannot help: the workflow downloads again instead.
   */
  String CHECKSUM_MISMATCH = "ChecksumMismatch";

  /**
   * The model store's disk lacks the room the rest of the file needs (beyond what is kept free);
   * never retried: the pull fails at once, naming both sizes, instead of filling the disk.
   */
  String NOT_ENOUGH_SPACE = "NotEnoughSpace";

  /** There is no download to verify (deleted meanwhile); the workflow downloads again. */
  String DOWNLOAD_MISSING = "DownloadMissing";

  /**
   * Downloads the file into a partial file next to its final place. A retried attempt resumes from
   * the byte offset the previous attempt last heartbeated; bytes after it are not trusted.
   */
  DownloadedFile downloadHuggingFaceFile(HuggingFaceFile file);

  /**
   * Verifies the download's SHA-256 and moves it into place atomically; returns the final path. On
   * a mismatch the partial file is deleted and the activity fails with {@link #CHECKSUM_MISMATCH}.
   */
  String installHuggingFaceFile(DownloadedFile download);

  /** Deletes what a cancelled or failed download left behind; does nothing when there is none. */
  void discardHuggingFaceDownload(HuggingFaceFile file);
}
