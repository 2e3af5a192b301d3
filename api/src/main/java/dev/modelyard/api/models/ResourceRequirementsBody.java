package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code resource_requirements} of a load or a container create.
 *
 * @param memory the most memory the instance may use: a JSON number of bytes, or a string with a
 *     binary unit as Docker's {@code --memory} reads it ({@code "512MB"}, {@code "4GB"}, {@code
 *     "4GiB"}, {@code "4g"}: 1 GB = 1024 MB); at least 64 MB
 * @param gpuDeviceIds the GPUs it must run on, by index on its host ({@code "0"} or {@code 0}) or
 *     by UUID as {@code nvidia-smi -L} prints it ({@code "GPU-5f2c…"}); at most 16, no repeats
 */
public record ResourceRequirementsBody(
    @Min(64) @Max(1_048_576) Integer contextLength,
    @Min(1) @Max(512) Integer cpuThreads,
    @Min(1) @Max(256) Integer parallelSlots,
    String memory,
    @Size(max = 16) List<String> gpuDeviceIds) {

  static final long MIN_MEMORY_BYTES = 64L << 20;
  static final long MAX_MEMORY_BYTES = 16L << 40;

  private static final String FIELD = "resource_requirements.";
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,16})\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern GPU_INDEX = Pattern.compile("\\d{1,3}");
  private static final Pattern GPU_UUID =
      Pattern.compile(
          "(GPU-|MIG-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
          Pattern.CASE_INSENSITIVE);

  /**
   * What the workflows take, once every field is checked; a bad value is a 400 naming its field.
   */
  public ResourceRequirements toRequirements() {
    return new ResourceRequirements(
        contextLength, cpuThreads, parallelSlots, checkedGpuDeviceIds(), memoryBytes());
  }

  /** The requirements of a body that may be absent: the runtime's defaults. */
  public static ResourceRequirements of(ResourceRequirementsBody body) {
    return body == null ? ResourceRequirements.DEFAULTS : body.toRequirements();
  }

  private Long memoryBytes() {
    if (memory == null) {
      return null;
    }
    Matcher size = SIZE.matcher(memory.strip());
    if (!size.matches()) {
      throw new InvalidFieldException(
          FIELD + "memory",
          "memory '"
              + memory
              + "' is not a size; give bytes (536870912) or a number with a unit (\"512MB\","
              + " \"4GB\")");
    }
    int shift =
        size.group(2) == null
            ? 0
            : switch (size.group(2).toLowerCase(Locale.ROOT)) {
              case "k" -> 10;
              case "m" -> 20;
              case "g" -> 30;
              default -> 40;
            };
    long number = Long.parseLong(size.group(1));
    if (number > MAX_MEMORY_BYTES >> shift || number << shift < MIN_MEMORY_BYTES) {
      throw new InvalidFieldException(
          FIELD + "memory", "memory must be between 64MB and 16TB, was '" + memory + "'");
    }
    return number << shift;
  }

  /**
   * The GPUs as placement names them: an index without leading zeros, a UUID as NVML writes it
   * ("GPU-" and lower-case hex). A MIG instance is refused: placement reserves whole GPUs.
   */
  private List<String> checkedGpuDeviceIds() {
    if (gpuDeviceIds == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < gpuDeviceIds.size(); i++) {
      String given = gpuDeviceIds.get(i) == null ? "" : gpuDeviceIds.get(i).strip();
      String field = FIELD + "gpu_device_ids[" + i + "]";
      Matcher uuid = GPU_UUID.matcher(given);
      String id;
      if (GPU_INDEX.matcher(given).matches()) {
        id = Integer.toString(Integer.parseInt(given));
      } else if (uuid.matches() && "MIG-".equalsIgnoreCase(uuid.group(1))) {
        throw new InvalidFieldException(
            field,
            "'"
                + given
                + "' is a MIG instance; Modelyard places models on whole GPUs: name the GPU"
                + " (its index or GPU-… UUID)");
      } else if (uuid.matches()) {
        id = "GPU-" + uuid.group(2).toLowerCase(Locale.ROOT);
      } else {
        throw new InvalidFieldException(
            field,
            "'"
                + given
                + "' is neither a GPU index (0, 1, …) nor a GPU UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-"
                + "xxxxxxxxxxxx)");
      }
      if (ids.contains(id)) {
        throw new InvalidFieldException(field, "GPU '" + given + "' is named twice");
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }
}
