package dev.modelyard.infra.runtime;

import dev.modelyard.infra.containers.ContainerMount;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Modelyard's engine runner ({@code EngineRunnerMain}), serving the GGUF file from its folder
 * mounted read-only.
 */
record EngineRunnerServer(String image) implements ContainerServer {

  private static final String MODELS_DIR = "/models";

  @Override
  public List<String> command(InstanceSpec spec, String host, int port) {
    return List.of(
        MODELS_DIR + "/" + model(spec).getFileName(),
        spec.modelName(),
        Integer.toString(spec.options().contextLength()),
        Integer.toString(spec.options().cpuThreads()),
        Integer.toString(spec.options().parallelSlots()),
        Integer.toString(port),
        host);
  }

  @Override
  public Map<String, String> env(InstanceSpec spec, String host, int port) {
    return Map.of();
  }

  @Override
  public List<ContainerMount> mounts(InstanceSpec spec) {
    return List.of(ContainerMount.readOnly(model(spec).getParent(), MODELS_DIR));
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public List<String> healthCommand(URI url) {
    return List.of("wget", "-q", "-O", "/dev/null", url.toString());
  }

  private static Path model(InstanceSpec spec) {
    if (spec.modelPath() == null) {
      throw new IllegalArgumentException("the engine runner needs the model's file");
    }
    return spec.modelPath().toAbsolutePath();
  }
}
