package dev.modelyard.infra.placement;

import dev.modelyard.workflows.placement.ModelFacts;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads what the registry knows of a model's size, for its memory estimate. */
public class ModelFactsQuery {

  private final JdbcClient jdbc;

  public ModelFactsQuery(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<ModelFacts> find(String modelId) {
    return jdbc.sql(
            """
            select coalesce(parameter_count, 0) as parameters, quantisation,
                coalesce(size_bytes, 0) as size_bytes
            from models where model_id = :modelId
            """)
        .param("modelId", modelId)
        .query(
            (rs, n) ->
                ModelFacts.of(
                    rs.getLong("parameters"),
                    rs.getString("quantisation"),
                    rs.getLong("size_bytes")))
        .optional();
  }
}
