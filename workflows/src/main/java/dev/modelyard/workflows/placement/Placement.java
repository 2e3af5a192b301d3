package dev.modelyard.workflows.placement;

import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Best fit on free memory. Of the devices where the need fits, the one with the least free memory
 * wins, so that large free blocks stay whole for large models and small models share a GPU until it
 * is full. GPUs come before RAM: a host's RAM is only offered by hosts without GPUs, and a model
 * goes there only when no GPU has room. Ties go to the lower host ID, then device index, so that
 * the same inventory always gives the same answer.
 *
 * <p>Explicit GPU IDs pin the model to exactly those GPUs of one host; the need is split evenly
 * over them, as llama.cpp splits layers, and each must have its share free.
 */
public final class Placement {

  private static final Comparator<DeviceMemory> TIGHTEST_FIRST =
      Comparator.comparingLong(DeviceMemory::freeBytes)
          .thenComparing(DeviceMemory::hostId)
          .thenComparingInt(DeviceMemory::index);

  private Placement() {}

  public static PlacementDecision place(PlacementRequest request, List<DeviceMemory> inventory) {
    List<DeviceMemory> candidates =
        inventory.stream()
            .filter(d -> request.hostIds().isEmpty() || request.hostIds().contains(d.hostId()))
            .toList();
    if (candidates.isEmpty()) {
      return new Refused(
          request.needBytes(),
          0,
          "needs %s; no host%s has reported its memory"
              .formatted(
                  Gib.format(request.needBytes()),
                  request.hostIds().isEmpty() ? "" : " of " + request.hostIds()));
    }
    return request.gpuDeviceIds().isEmpty()
        ? bestFit(request.needBytes(), candidates)
        : onNamedGpus(request, candidates);
  }

  private static PlacementDecision bestFit(long need, List<DeviceMemory> candidates) {
    Optional<DeviceMemory> chosen =
        tightestFitting(need, candidates.stream().filter(DeviceMemory::isGpu).toList())
            .or(() -> tightestFitting(need, candidates.stream().filter(d -> !d.isGpu()).toList()));
    if (chosen.isPresent()) {
      DeviceMemory device = chosen.get();
      return new Placed(
          device.hostId(), List.of(new DeviceShare(device.deviceId(), device.index(), need)));
    }
    DeviceMemory roomiest =
        candidates.stream().max(Comparator.comparingLong(DeviceMemory::freeBytes)).get();
    long allFree = candidates.stream().mapToLong(DeviceMemory::freeBytes).sum();
    return new Refused(
        need,
        roomiest.freeBytes(),
        "needs %s; the most free on one device is %s (%s), %s free in all on %d device%s"
            .formatted(
                Gib.format(need),
                Gib.format(roomiest.freeBytes()),
                roomiest.label(),
                Gib.format(allFree),
                candidates.size(),
                candidates.size() == 1 ? "" : "s"));
  }

  private static Optional<DeviceMemory> tightestFitting(long need, List<DeviceMemory> devices) {
    return devices.stream().filter(d -> d.freeBytes() >= need).min(TIGHTEST_FIRST);
  }

  private static PlacementDecision onNamedGpus(PlacementRequest request, List<DeviceMemory> all) {
    List<String> ids = request.gpuDeviceIds();
    long share = Math.ceilDiv(request.needBytes(), ids.size());
    Map<String, List<DeviceMemory>> byHost =
        all.stream()
            .collect(
                Collectors.groupingBy(
                    DeviceMemory::hostId, LinkedHashMap::new, Collectors.toList()));

    List<List<DeviceMemory>> hostsWithAll = new ArrayList<>();
    for (List<DeviceMemory> devices : byHost.values()) {
      List<DeviceMemory> named = named(ids, devices);
      if (named != null) {
        hostsWithAll.add(named);
      }
    }
    if (hostsWithAll.isEmpty()) {
      return new Refused(
          request.needBytes(),
          0,
          "needs %s on GPUs %s, but no host%s has all of them"
              .formatted(
                  Gib.format(request.needBytes()),
                  ids,
                  request.hostIds().isEmpty() ? "" : " of " + request.hostIds()));
    }
    Optional<List<DeviceMemory>> chosen =
        hostsWithAll.stream()
            .filter(named -> named.stream().allMatch(d -> d.freeBytes() >= share))
            .min(
                Comparator.<List<DeviceMemory>>comparingLong(Placement::freeOf)
                    .thenComparing(named -> named.getFirst().hostId()));
    if (chosen.isPresent()) {
      List<DeviceMemory> named = chosen.get();
      return new Placed(
          named.getFirst().hostId(),
          named.stream().map(d -> new DeviceShare(d.deviceId(), d.index(), share)).toList());
    }
    long largestFree =
        hostsWithAll.stream()
            .flatMap(List::stream)
            .mapToLong(DeviceMemory::freeBytes)
            .max()
            .orElse(0);
    String free =
        hostsWithAll.stream()
            .flatMap(List::stream)
            .map(d -> d.label() + " " + Gib.format(d.freeBytes()))
            .collect(Collectors.joining(", "));
    return new Refused(
        request.needBytes(),
        largestFree,
        "needs %s on GPUs %s (%s on each); free: %s"
            .formatted(Gib.format(request.needBytes()), ids, Gib.format(share), free));
  }

  /** The devices of one host that the IDs name, in the IDs' order; null unless it has them all. */
  private static List<DeviceMemory> named(List<String> ids, List<DeviceMemory> devices) {
    List<DeviceMemory> named = new ArrayList<>();
    for (String id : ids) {
      Optional<DeviceMemory> device = devices.stream().filter(d -> d.isNamed(id)).findFirst();
      if (device.isEmpty() || named.contains(device.get())) {
        return null;
      }
      named.add(device.get());
    }
    return named;
  }

  private static long freeOf(List<DeviceMemory> devices) {
    return devices.stream().mapToLong(DeviceMemory::freeBytes).sum();
  }
}
