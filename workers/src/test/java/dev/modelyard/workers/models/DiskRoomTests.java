package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.models.HuggingFaceActivities;
import dev.modelyard.workflows.models.HuggingFaceFile;
import io.temporal.failure.ApplicationFailure;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Room for downloads on this machine's real disk, whatever its size: each claim is a share of it.
 */
class DiskRoomTests {

  private static final HuggingFaceFile FIRST = new HuggingFaceFile("org/first", "a.gguf");
  private static final HuggingFaceFile SECOND = new HuggingFaceFile("org/second", "b.gguf");

  @TempDir Path store;

  @Test
  void aDownloadCountsWhatThoseUnderWayStillHaveToWrite() throws Exception {
    DiskRoom room = new DiskRoom(DataSize.ofBytes(0));
    // Each fits alone with 40% of the disk to spare; both at once would need 120% of it.
    long size = usable() / 10 * 6;

    try (DiskRoom.Claim first = room.claim(FIRST, store.resolve("a.partial"), size, 0)) {
      assertThatThrownBy(() -> room.claim(SECOND, store.resolve("b.partial"), size, 0))
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(HuggingFaceActivities.NOT_ENOUGH_SPACE);
                assertThat(f.isNonRetryable()).isTrue();
                assertThat(f.getOriginalMessage())
                    .contains(size + " bytes are left to download")
                    .contains("the downloads under way on this worker have " + size);
              });
    }

    room.claim(SECOND, store.resolve("b.partial"), size, 0).close();
  }

  @Test
  void bytesAlreadyWrittenByADownloadUnderWayAreNotCountedTwice() throws Exception {
    DiskRoom room = new DiskRoom(DataSize.ofBytes(0));
    long size = usable() / 10 * 6;
    Path first = store.resolve("a.partial");

    try (DiskRoom.Claim claimed = room.claim(FIRST, first, size, 0)) {
      // Written to its end: a sparse file, so the disk's free space does not shrink by its bytes
      // here, but what the first download has left to write is nothing.
      try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
        file.setLength(size);
      }

      room.claim(SECOND, store.resolve("b.partial"), size, 0).close();
    }
  }

  @Test
  void aRetryOverlappingTheAttemptItFollowsIsNotCountedAgainstItAndKeepsItsClaim()
      throws Exception {
    DiskRoom room = new DiskRoom(DataSize.ofBytes(0));
    long size = usable() / 10 * 6;
    Path partial = store.resolve("a.partial");
    DiskRoom.Claim stopping = room.claim(FIRST, partial, size, 0);

    // The retry of the same download starts while the attempt it follows is still stopping.
    try (DiskRoom.Claim retry = room.claim(FIRST, partial, size, 0)) {
      stopping.close();

      // The retry's claim outlives the attempt that ended: another large download finds no room.
      assertThatThrownBy(() -> room.claim(SECOND, store.resolve("b.partial"), size, 0))
          .isInstanceOf(ApplicationFailure.class);
    }
  }

  @Test
  void aResumedDownloadNeedsRoomOnlyForWhatIsLeft() throws Exception {
    DiskRoom room = new DiskRoom(DataSize.ofBytes(0));
    long usable = usable();

    assertThatThrownBy(() -> room.claim(FIRST, store.resolve("a.partial"), usable * 2, 0))
        .isInstanceOf(ApplicationFailure.class);
    room.claim(FIRST, store.resolve("a.partial"), usable * 2, usable * 2 - usable / 2).close();
  }

  private long usable() throws Exception {
    return Files.getFileStore(store).getUsableSpace();
  }
}
