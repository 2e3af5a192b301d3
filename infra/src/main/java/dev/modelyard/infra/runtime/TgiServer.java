package dev.modelyard.infra.runtime;

import dev.modelyard.infra.containers.ContainerMount;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's text-generation-inference: the image's entry point is {@code
 * text-generation-launcher}, given the model (a folder mounted read-only, or a Hub ID it downloads)
 * and the loopback port, as its launcher documents them.
 */
record TgiServer(String image) implements ContainerServer {

  private static final String MODEL_DIR = "/model";

  @Override
  public List<String> command(InstanceSpec spec, String host, int port) {
    int context = spec.options().contextLength();
    List<String> command =
        new ArrayList<>(
            List.of(
                "--model-id",
                spec.modelPath() != null ? MODEL_DIR : spec.servedModel(),
                "--hostname",
                host,
                "--port",
                Integer.toString(port),
                // A prompt may fill the context but for one generated token, as the engine
                // runner's context length allows.
                "--max-input-tokens",
                Integer.toString(context - 1),
                "--max-total-tokens",
                Integer.toString(context)));
    int gpus = spec.resources().gpuDeviceIds().size();
    if (gpus > 1) {
      // One shard per GPU given; the container sees only those.
      command.addAll(List.of("--num-shard", Integer.toString(gpus)));
    }
    return command;
  }

  @Override
  public Map<String, String> env(InstanceSpec spec, String host, int port) {
    return Map.of();
  }

  @Override
  public List<ContainerMount> mounts(InstanceSpec spec) {
    if (spec.modelPath() == null) {
      return List.of();
    }
    Path folder = spec.modelPath().toAbsolutePath();
    return List.of(ContainerMount.readOnly(folder, MODEL_DIR));
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public List<String> healthCommand(URI url) {
    // TGI's images are Ubuntu with curl, not busybox.
    return List.of("curl", "-fsS", "-o", "/dev/null", url.toString());
  }
}
