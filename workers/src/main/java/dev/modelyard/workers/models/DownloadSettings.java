package dev.modelyard.workers.models;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How this worker downloads models ({@code modelyard.models.*}).
 *
 * @param rateLimit the most bytes per second one download may take, unset for no limit. A brake for
 *     tests that must catch a download half-way (the test mirror's file takes milliseconds
 *     otherwise); sharing a link fairly wants a limit across downloads, which this is not.
 */
@ConfigurationProperties("modelyard.models.download")
public record DownloadSettings(DataSize rateLimit) {

  public DownloadSettings {
    if (rateLimit != null && rateLimit.toBytes() <= 0) {
      throw new IllegalArgumentException(
          "modelyard.models.download.rate-limit must be positive, was " + rateLimit);
    }
  }

  /** The pace of one download starting now. */
  TransferPacer pacer() {
    return rateLimit == null ? TransferPacer.UNLIMITED : new TransferPacer(rateLimit.toBytes());
  }
}
