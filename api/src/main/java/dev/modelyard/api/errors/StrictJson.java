package dev.modelyard.api.errors;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * A text field does not take {@code true} or {@code false}: Jackson would otherwise read them as
 * the text "true" or "false", so that a wrong type passed as a (wrong) value instead of a 400
 * naming the field. Numbers still read as text, where a field documents them (a memory size is a
 * number of bytes or a string such as "4GB").
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

  @Bean
  JsonMapperBuilderCustomizer noTextFromBooleans() {
    return builder ->
        builder.withCoercionConfig(
            LogicalType.Textual,
            config -> config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }
}
