package dev.modelyard.api.errors;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Text in request bodies as the API can keep it, refused with a 400 naming the field otherwise:
 *
 * <ul>
 *   <li>A text field does not take {@code true} or {@code false}: Jackson would otherwise read them
 *       as the text "true" or "false", so that a wrong type passed as a (wrong) value. Numbers
 *       still read as text, where a field documents them (a memory size is a number of bytes or a
 *       string such as "4GB").
 *   <li>A whole number is whole: a fraction is refused, not cut.
 *   <li>No NUL character (U+0000): PostgreSQL stores none in text, so a name or a path with one
 *       failed deep in a query, as a 500, or as a task failing minutes later.
 * </ul>
 *
 * Prompts go to the backend as they are: OpenAI's generation endpoints read their bodies
 * themselves, and {@code /generate}'s prompt fields take Jackson's own text deserializer.
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

  /**
   * A whole-number field does not take a fraction: Jackson would cut 0.5 to 0, so that {@code
   * "desired_instances":0.5} scaled a model to zero and a weight of 0.5 took an instance out of
   * routing.
   */
  @Bean
  JsonMapperBuilderCustomizer noWholeNumbersFromFractions() {
    return builder ->
        builder.withCoercionConfig(
            LogicalType.Integer,
            config -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail));
  }

  @Bean
  JsonMapperBuilderCustomizer noNulInText() {
    return builder ->
        builder.addModule(
            new SimpleModule("no-nul-in-text").addDeserializer(String.class, new TextWithoutNul()));
  }

  /** Reads text as Jackson does (its coercion rules included), then refuses a NUL in it. */
  static final class TextWithoutNul extends StringDeserializer {

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) {
      String value = super.deserialize(parser, context);
      if (value != null && value.indexOf('\0') >= 0) {
        return context.reportInputMismatch(this, "must not contain the NUL character (U+0000)");
      }
      return value;
    }
  }
}
