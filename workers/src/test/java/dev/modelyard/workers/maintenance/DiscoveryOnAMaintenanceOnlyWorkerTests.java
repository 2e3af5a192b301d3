package dev.modelyard.workers.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.infra.registry.MaintenanceRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.maintenance.DiscoveryMerge;
import dev.modelyard.workflows.maintenance.DiscoveryPlan;
import dev.modelyard.workflows.maintenance.ProviderReport;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Discovery of the test Ollama by a worker that only runs maintenance, as on Kubernetes: it is no
 * host (its name, the pod's, is in no {@code hosts} row), against the test PostgreSQL.
 */
class DiscoveryOnAMaintenanceOnlyWorkerTests {

  private static final URI OLLAMA = URI.create(TestServices.get("OLLAMA_HOST"));

  private FreshSchema database;
  private JdbcClient jdbc;
  private OllamaClient ollama;
  private DiscoveryActivitiesImpl discovery;

  @BeforeEach
  void start() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
    ollama = new OllamaClient(OllamaSettings.of(OLLAMA));
    discovery =
        new DiscoveryActivitiesImpl(
            new MaintenanceRegistry(
                jdbc, new TransactionTemplate(new JdbcTransactionManager(database.dataSource))),
            ollama,
            OLLAMA,
            null,
            "workers-maintenance-7d9f8-x2x4q",
            false);
  }

  @AfterEach
  void stop() throws Exception {
    ollama.close();
    database.close();
  }

  @Test
  void ollamasModelsAreRecordedOnNoHostAndAModelPulledOnAHostKeepsIt() {
    ProviderReport report = discovery.reportOllamaModels();
    assertThat(report.reached()).as(report.toString()).isTrue();
    assertThat(report.models()).isNotEmpty();
    String pulled = report.models().getFirst().name();
    // Pulled into Ollama through the host worker of node-a, which recorded it there.
    jdbc.sql("insert into hosts (host_id, task_queue) values ('node-a', 'modelyard-host-node-a')")
        .update();
    jdbc.sql(
            "insert into models (provider, name, host_id, location) values"
                + " ('local_ollama', :name, 'node-a', :name)")
        .param("name", pulled)
        .update();

    DiscoveryPlan plan = DiscoveryMerge.merge(discovery.registeredModels(), List.of(report));
    discovery.applyDiscovery(plan);
    // A second run, by another pod of the same Deployment, changes nothing.
    discovery.applyDiscovery(
        DiscoveryMerge.merge(
            discovery.registeredModels(), List.of(discovery.reportOllamaModels())));

    assertThat(
            jdbc.sql("select host_id from models where provider = 'local_ollama' and name = :name")
                .param("name", pulled)
                .query(String.class)
                .single())
        .isEqualTo("node-a");
    assertThat(
            jdbc.sql(
                    "select count(*) from models where provider = 'local_ollama'"
                        + " and host_id is not null and host_id <> 'node-a'")
                .query(Long.class)
                .single())
        .isZero();
  }
}
