package dev.modelyard.workflows.maintenance;

import io.temporal.activity.ActivityInterface;
import java.time.Duration;
import java.util.List;

/** Work on the model store of one host ({@code $MODELYARD_DATA_DIR/models}); runs on its queue. */
@ActivityInterface
public interface ModelStoreActivities {

  /**
   * The complete GGUF files in the store: under {@code huggingface/} as {@code huggingface} models
   * named {@code org/repo/path}, elsewhere as {@code local_gguf} models named by their path.
   */
  ProviderReport reportModelStoreFiles();

  /** Every {@code .partial} download in the store, with the pull that would own it. */
  List<PartialFile> listPartialFiles();

  /**
   * Deletes these partial files unless one was written to within {@code olderThan} (by this host's
   * clock): a pull may have resumed it since it was listed. Returns the paths deleted.
   */
  List<String> deletePartialFiles(List<String> paths, Duration olderThan);
}
