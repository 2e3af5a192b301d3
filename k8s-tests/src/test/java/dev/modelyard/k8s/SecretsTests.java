package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Secrets are referenced, never committed with values: k8s/examples/secrets.yaml lists each one
 * with empty values, and deploy.sh refuses to deploy while a required one is missing.
 */
class SecretsTests {

  static final Path EXAMPLES = Manifests.k8s().resolve("examples/secrets.yaml");
  private static final Pattern SECRET_LIKE =
      Pattern.compile(".*(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_KEY|ADMIN_KEY|DATABASE_URL).*");

  @Test
  void theExampleSecretsHoldNoValues() {
    List<Secret> examples = examples();
    assertThat(examples).isNotEmpty();
    for (Secret secret : examples) {
      assertThat(secret.getData()).as(secret.getMetadata().getName()).isNullOrEmpty();
      assertThat(secret.getStringData()).as(secret.getMetadata().getName()).isNotEmpty();
      assertThat(secret.getStringData().values())
          .as(secret.getMetadata().getName())
          .containsOnly("");
    }
  }

  @Test
  void everySecretReferencedIsListedWithItsKey() {
    Map<String, Set<String>> listed = new HashMap<>();
    examples().forEach(s -> listed.put(s.getMetadata().getName(), s.getStringData().keySet()));
    references()
        .forEach(
            (secret, keys) -> {
              assertThat(listed)
                  .as("k8s/examples/secrets.yaml lists " + secret)
                  .containsKey(secret);
              assertThat(listed.get(secret)).as(secret).containsAll(keys);
            });
    assertThat(listed.keySet())
        .as("nothing listed that nothing uses")
        .isEqualTo(references().keySet());
  }

  @Test
  void secretValuesNeverAppearInTheManifests() {
    for (Workloads w : Workloads.all()) {
      for (Container c : w.containers()) {
        for (EnvVar env : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
          if (SECRET_LIKE.matcher(env.getName()).matches()) {
            assertThat(env.getValue())
                .as(w.where() + " " + env.getName() + " comes from a Secret")
                .isNull();
            assertThat(env.getValueFrom().getSecretKeyRef())
                .as(w.where() + " " + env.getName())
                .isNotNull();
          }
        }
      }
    }
  }

  /** What deploy.sh requires is exactly what a pod cannot start without. */
  @Test
  void deployShRequiresEverySecretThatIsNotOptional() throws IOException {
    Map<String, Set<String>> required = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^require_secret ([a-z0-9-]+) ([a-z0-9. -]+)$")
            .matcher(Files.readString(Manifests.k8s().resolve("deploy.sh")));
    while (m.find()) {
      required.put(m.group(1), Set.of(m.group(2).trim().split(" ")));
    }
    assertThat(required).isEqualTo(references(false));
  }

  static List<Secret> examples() {
    return Manifests.read(EXAMPLES).stream()
        .map(Manifests.Manifest::object)
        .map(Secret.class::cast)
        .toList();
  }

  static Map<String, Set<String>> references() {
    Map<String, Set<String>> all = references(true);
    // The ingress's certificate is a Secret too.
    for (Ingress ingress : Manifests.all(Ingress.class)) {
      ingress
          .getSpec()
          .getTls()
          .forEach(
              t ->
                  all.computeIfAbsent(t.getSecretName(), k -> new HashSet<>())
                      .addAll(Set.of("tls.crt", "tls.key")));
    }
    return all;
  }

  /** Secret → keys referenced by pods; with {@code optional}, also the optional references. */
  static Map<String, Set<String>> references(boolean optional) {
    Map<String, Set<String>> refs = new HashMap<>();
    for (Workloads w : Workloads.all()) {
      for (Container c : w.containers()) {
        for (EnvVar env : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
          var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
          if (ref != null && (optional || !Boolean.TRUE.equals(ref.getOptional()))) {
            refs.computeIfAbsent(ref.getName(), k -> new HashSet<>()).add(ref.getKey());
          }
        }
      }
      for (Volume v : w.pod().getVolumes() == null ? List.<Volume>of() : w.pod().getVolumes()) {
        var secret = v.getSecret();
        if (secret != null && (optional || !Boolean.TRUE.equals(secret.getOptional()))) {
          Set<String> keys = refs.computeIfAbsent(secret.getSecretName(), k -> new HashSet<>());
          secret.getItems().forEach(i -> keys.add(i.getKey()));
        }
      }
    }
    return refs;
  }
}
