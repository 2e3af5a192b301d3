package dev.modelyard.workflows.maintenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merges what providers report into what the registry holds. A reported model is the registered one
 * with the same provider and name, or failing that with the same file or server on the same host,
 * or on any host when the report names none (a model pulled as {@code tiny} is listed by Ollama as
 * {@code tiny:latest}; a worker that runs maintenance only names no host). It is added when there
 * is none, updated when it tells something new, and left alone otherwise; a registered model that
 * no provider reports is never touched.
 */
public final class DiscoveryMerge {

  private DiscoveryMerge() {}

  public static DiscoveryPlan merge(List<ModelEntry> registered, List<ProviderReport> reports) {
    List<ModelEntry> known = new ArrayList<>(registered);
    Map<String, ModelEntry> added = new LinkedHashMap<>();
    Map<String, ModelEntry> updated = new LinkedHashMap<>();
    // The registry's row as read, for each updated one: what the update expects to find.
    Map<String, ModelEntry> asRead = new LinkedHashMap<>();
    int unchanged = 0;
    // Reported name -> name of the row it landed on, so that instances follow their model.
    Map<String, String> landedOn = new LinkedHashMap<>();
    List<String> instanceSources = new ArrayList<>();
    for (ProviderReport report : reports) {
      if (report.reached()) {
        instanceSources.add(report.source());
      }
      for (ModelEntry reported : report.models()) {
        ModelEntry match = find(known, reported);
        if (match == null) {
          added.put(key(reported), reported);
          known.add(reported);
          landedOn.put(key(reported), reported.name());
          continue;
        }
        landedOn.put(key(reported), match.name());
        ModelEntry merged = match.updatedWith(reported);
        if (merged.equals(match)) {
          if (!added.containsKey(key(match)) && !updated.containsKey(key(match))) {
            unchanged++;
          }
          continue;
        }
        known.set(known.indexOf(match), merged);
        if (added.containsKey(key(match))) {
          added.put(key(match), merged);
        } else {
          asRead.putIfAbsent(key(match), match);
          updated.put(key(match), merged);
        }
      }
    }
    List<DiscoveredInstance> instances = new ArrayList<>();
    for (ProviderReport report : reports) {
      for (DiscoveredInstance instance : report.instances()) {
        String name =
            landedOn.getOrDefault(
                instance.provider() + "\u0000" + instance.modelName(), instance.modelName());
        instances.add(
            new DiscoveredInstance(
                instance.instanceId(), instance.provider(), name, instance.endpoint()));
      }
    }
    return new DiscoveryPlan(
        List.copyOf(added.values()),
        List.copyOf(updated.values()),
        unchanged,
        instances,
        instanceSources,
        updated.keySet().stream().map(asRead::get).toList());
  }

  /**
   * The plan without the updates of rows that changed between {@code earlier}, read before the
   * providers were asked, and the read the plan was merged from: a report may predate a pull that
   * committed meanwhile, and would write its older facts over the pull's. Such a row is left to the
   * next run, which merges into it. The plan's merge itself uses the later read, so a model
   * registered meanwhile under another name (a pull's {@code tiny}, listed as {@code tiny:latest})
   * is found, not added twice.
   */
  public static DiscoveryPlan withoutRowsChangedSince(
      DiscoveryPlan plan, List<ModelEntry> earlier) {
    Map<String, ModelEntry> before = new LinkedHashMap<>();
    earlier.forEach(entry -> before.put(key(entry), entry));
    List<ModelEntry> updates = new ArrayList<>();
    List<ModelEntry> asRead = new ArrayList<>();
    for (int i = 0; i < plan.toUpdate().size(); i++) {
      ModelEntry read = plan.toUpdateAsRead().get(i);
      if (read.equals(before.get(key(read)))) {
        updates.add(plan.toUpdate().get(i));
        asRead.add(read);
      }
    }
    return new DiscoveryPlan(
        plan.toAdd(), updates, plan.unchanged(), plan.instances(), plan.instanceSources(), asRead);
  }

  private static ModelEntry find(List<ModelEntry> known, ModelEntry reported) {
    for (ModelEntry entry : known) {
      if (entry.provider().equals(reported.provider()) && entry.name().equals(reported.name())) {
        return entry;
      }
    }
    if (reported.location() == null) {
      return null;
    }
    for (ModelEntry entry : known) {
      if (entry.provider().equals(reported.provider())
          && reported.location().equals(entry.location())
          // A report that names no host (a maintenance-only worker's) matches on any host.
          && (reported.hostId() == null || Objects.equals(entry.hostId(), reported.hostId()))) {
        return entry;
      }
    }
    return null;
  }

  private static String key(ModelEntry entry) {
    return entry.provider() + "\u0000" + entry.name();
  }
}
