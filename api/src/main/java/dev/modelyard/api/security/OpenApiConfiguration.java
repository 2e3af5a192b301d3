package dev.modelyard.api.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document (springdoc, {@code /v3/api-docs}) with the two ways a caller proves who it
 * is, so that generated clients and fuzzers send one.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static final String BEARER = "bearer";
  static final String API_KEY = "apiKey";

  @Bean
  OpenAPI modelyardOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Modelyard")
                .description("A durable control plane for local LLMs")
                .version("v1"))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("an API key (my-…) or a JWT"))
                .addSecuritySchemes(
                    API_KEY,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name(CallerTokens.API_KEY_HEADER)))
        .addSecurityItem(new SecurityRequirement().addList(BEARER))
        .addSecurityItem(new SecurityRequirement().addList(API_KEY));
  }
}
