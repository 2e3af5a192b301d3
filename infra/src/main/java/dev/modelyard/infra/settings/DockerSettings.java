package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** DOCKER_HOST, as the Docker CLI reads it; unset means unix:///var/run/docker.sock. */
@ConfigurationProperties("modelyard.docker")
public record DockerSettings(URI host) {}
