package dev.modelyard.api.security;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
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

  /**
   * Properties as the API spells them: springdoc reads records through swagger's own (Jackson 2)
   * mapper, which does not know the SNAKE_CASE naming that spring.jackson sets for Jackson 3.
   */
  @Bean
  ModelResolver snakeCaseModels() {
    return new ModelResolver(
        Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }

  /**
   * Every property a schema does not require may be null: records answer their absent values as
   * JSON nulls (a task's progress, a key's expiry), which a strict schema would call a violation.
   */
  @Bean
  OpenApiCustomizer optionalPropertiesMayBeNull() {
    return openApi -> {
      if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
        return;
      }
      for (Schema<?> schema : openApi.getComponents().getSchemas().values()) {
        if (schema.getProperties() == null) {
          continue;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        schema
            .getProperties()
            .replaceAll(
                (name, property) -> required.contains(name) ? property : nullable(property));
      }
    };
  }

  private static Schema<?> nullable(Schema<?> property) {
    if (property.get$ref() != null) {
      Schema<Object> nothing = new Schema<>();
      nothing.addType("null");
      Schema<Object> either = new Schema<>();
      either.setAnyOf(List.of(property, nothing));
      return either;
    }
    if (property.getTypes() != null && !property.getTypes().isEmpty()) {
      property.addType("null");
    } else if (property.getType() != null) {
      property.setNullable(true);
    }
    return property;
  }

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
