package dev.modelyard.workers.models;

import dev.modelyard.workflows.models.HuggingFaceActivities;
import dev.modelyard.workflows.models.HuggingFaceFile;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * Room on the model store's disk for this worker's downloads. The disk's free space counts only
 * what the downloads under way have written so far, so a download that starts also counts what they
 * still have to write: two large pulls started together cannot each find room for itself alone and
 * fill the disk between them. Downloads of other processes on the same disk are not counted.
 */
final class DiskRoom {

  private final DataSize keepFree;

  /** The downloads under way, each claim its own (a retry may overlap the attempt it follows). */
  private final List<Download> downloading = new ArrayList<>();

  DiskRoom(DataSize keepFree) {
    this.keepFree = keepFree;
  }

  /**
   * Claims room for the {@code size - offset} bytes left of a download into {@code partial}, or
   * fails the pull for good ({@link HuggingFaceActivities#NOT_ENOUGH_SPACE}). Closing the claim
   * gives the room back.
   */
  synchronized Claim claim(HuggingFaceFile file, Path partial, long size, long offset)
      throws IOException {
    long usable = Files.getFileStore(partial.getParent()).getUsableSpace();
    long bytesLeft = size - offset;
    long othersLeft = 0;
    for (Download other : downloading) {
      // An attempt of this same download still stopping writes the file this one rewrites.
      if (!other.partial().equals(partial)) {
        othersLeft += Math.max(0, other.size() - sizeOnDisk(other.partial()));
      }
    }
    if (usable - othersLeft - bytesLeft < keepFree.toBytes()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "not enough disk space for "
              + file
              + ": "
              + bytesLeft
              + " bytes are left to download, the downloads under way on this worker have "
              + othersLeft
              + " more to write, and the model store's disk has "
              + usable
              + " bytes free, of which "
              + keepFree.toBytes()
              + " stay free (modelyard.models.download.keep-free)",
          HuggingFaceActivities.NOT_ENOUGH_SPACE);
    }
    Download claimed = new Download(partial, size);
    downloading.add(claimed);
    return () -> release(claimed);
  }

  /** Its own claim only, by identity: an overlapping attempt's claim stays. */
  private synchronized void release(Download claimed) {
    downloading.removeIf(d -> d == claimed);
  }

  private record Download(Path partial, long size) {}

  private static long sizeOnDisk(Path partial) {
    try {
      return Files.size(partial);
    } catch (IOException e) {
      return 0; // not created yet, or already moved into place
    }
  }

  /** Room held by one download while it runs. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }
}
