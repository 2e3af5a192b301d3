package dev.modelyard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The manifests of {@code k8s/}, each document parsed into fabric8's typed Kubernetes model. A kind
 * not in {@link #KINDS} fails, and so does any field the model does not know (fabric8 keeps those
 * in {@code additionalProperties} rather than refusing them, so they are looked for after parsing).
 */
final class Manifests {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** apiVersion/kind → model class: every kind the manifests may use. */
  static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.ofEntries(
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("v1/ResourceQuota", ResourceQuota.class),
          Map.entry("v1/LimitRange", LimitRange.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("apps/v1/DaemonSet", DaemonSet.class),
          Map.entry("batch/v1/Job", Job.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

  /** One document of one file. */
  record Manifest(Path file, int index, HasMetadata object) {

    String name() {
      return object.getMetadata().getName();
    }

    String where() {
      return file.getFileName() + "#" + index + " " + object.getKind() + "/" + name();
    }
  }

  private Manifests() {}

  static Path repository() {
    return Path.of(System.getProperty("modelyard.repository", "..")).toAbsolutePath().normalize();
  }

  static Path k8s() {
    return repository().resolve("k8s");
  }

  /** What deploy.sh applies: every {@code k8s/*.yaml}. */
  static List<Path> files() {
    try (Stream<Path> files = Files.list(k8s())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of every applied file. */
  static List<Manifest> all() {
    List<Manifest> all = new ArrayList<>();
    for (Path file : files()) {
      all.addAll(read(file));
    }
    return all;
  }

  static <T extends HasMetadata> List<T> all(Class<T> type) {
    return all().stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
  }

  static List<Manifest> read(Path file) {
    List<Manifest> manifests = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        index++;
        if (document == null || !document.isObject()) {
          throw new IllegalStateException(file.getFileName() + "#" + index + " is empty");
        }
        String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
          throw new IllegalStateException(
              file.getFileName()
                  + "#"
                  + index
                  + ": no model for "
                  + key
                  + "; known: "
                  + KINDS.keySet());
        }
        HasMetadata object = YAML.treeToValue(document, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(object, key, unknown);
        if (!unknown.isEmpty()) {
          throw new IllegalStateException(
              file.getFileName() + "#" + index + " has fields the model does not know: " + unknown);
        }
        manifests.add(new Manifest(file, index, object));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return manifests;
  }

  /** Paths of every non-empty {@code additionalProperties} under {@code value}. */
  static void unknownFields(Object value, String path, List<String> found) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Enum<?>) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "." + k, found));
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue; // a computed property (e.g. a Quantity's numerical amount), not a field
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + " " + extra.keySet());
        }
      } else {
        unknownFields(child, path + "." + getter.getName().substring(3), found);
      }
    }
  }
}
