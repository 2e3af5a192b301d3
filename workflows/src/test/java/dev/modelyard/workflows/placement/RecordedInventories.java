package dev.modelyard.workflows.placement;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU inventories as nvidia-smi printed them ({@code --query-gpu=index,name,uuid,memory.total,
 * memory.free --format=csv}), with a host column in front when a file records several hosts.
 * Capacity is the free memory; nothing is reserved yet.
 */
public final class RecordedInventories {

  private static final long MIB = 1024 * 1024;

  private RecordedInventories() {}

  /** A multi-host recording: {@code host, index, name, uuid, memory.total, memory.free}. */
  public static List<DeviceMemory> fleet(String resource) {
    List<DeviceMemory> devices = new ArrayList<>();
    for (String[] row : rows(resource)) {
      devices.add(new DeviceMemory(row[0], row[3], Integer.parseInt(row[1]), mib(row[5]), 0));
    }
    return devices;
  }

  /** One host's nvidia-smi output, as recorded on it: {@code index, name, uuid, total, free…}. */
  public static List<DeviceMemory> host(String hostId, String resource) {
    List<DeviceMemory> devices = new ArrayList<>();
    for (String[] row : rows(resource)) {
      devices.add(new DeviceMemory(hostId, row[2], Integer.parseInt(row[0]), mib(row[4]), 0));
    }
    return devices;
  }

  static long mib(String value) {
    return Long.parseLong(value.replace("MiB", "").strip()) * MIB;
  }

  private static List<String[]> rows(String resource) {
    try (InputStream in =
        RecordedInventories.class.getResourceAsStream("/inventories/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no recorded inventory " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return reader
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .skip(1) // the header
          .map(line -> line.split(",\\s*"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
