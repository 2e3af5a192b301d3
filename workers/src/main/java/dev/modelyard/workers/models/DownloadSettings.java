package dev.modelyard.workers.models;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How this worker downloads models ({@code modelyard.models.download.*}).
 *
 * @param rateLimit the most bytes per second one download may take, unset for no limit. A brake for
 *     tests that must catch a download half-way (the test mirror's file takes milliseconds
 *     otherwise); sharing a link fairly wants a limit across downloads, which this is not.
 * @param keepFree the room a download leaves free on the model store's disk: one that would take
 *     more fails before it starts
 */
@ConfigurationProperties("modelyard.models.download")
public record DownloadSettings(DataSize rateLimit, DataSize keepFree) {

  public static final DataSize DEFAULT_KEEP_FREE = DataSize.ofGigabytes(1);

  public DownloadSettings {
    if (rateLimit != null && rateLimit.toBytes() <= 0) {
      throw new IllegalArgumentException(
          "modelyard.models.download.rate-limit must be positive, was " + rateLimit);
    }
    keepFree = keepFree != null ? keepFree : DEFAULT_KEEP_FREE;
    if (keepFree.toBytes() < 0) {
      throw new IllegalArgumentException(
          "modelyard.models.download.keep-free must not be negative, was " + keepFree);
    }
  }

  /** The pace of one download starting now. */
  TransferPacer pacer() {
    return rateLimit == null ? TransferPacer.UNLIMITED : new TransferPacer(rateLimit.toBytes());
  }
}
