package dev.modelyard.api.costs;

import dev.modelyard.infra.costs.ModelPrice;
import dev.modelyard.infra.costs.PriceTable;
import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the cost report prices local traffic ({@code modelyard.costs.report.*}).
 *
 * @param cloudEquivalent the cloud model local requests are compared with, as {@code
 *     provider/model} from the price table
 * @param localHourlyRate what an hour of a local instance's compute costs, in US dollars (power,
 *     hardware); 0 counts local traffic as free
 */
@ConfigurationProperties("modelyard.costs.report")
record CostReportSettings(
    @DefaultValue("openai/gpt-4o-mini") String cloudEquivalent,
    @DefaultValue("0") BigDecimal localHourlyRate) {

  CostReportSettings {
    if (localHourlyRate.signum() < 0) {
      throw new IllegalArgumentException(
          "modelyard.costs.report.local-hourly-rate must not be negative, was " + localHourlyRate);
    }
    price(cloudEquivalent);
  }

  ModelPrice cloudEquivalentPrice() {
    return price(cloudEquivalent);
  }

  private static ModelPrice price(String providerAndModel) {
    int slash = providerAndModel.indexOf('/');
    return PriceTable.STANDARD
        .find(
            slash < 0 ? "" : providerAndModel.substring(0, slash),
            providerAndModel.substring(slash + 1))
        .filter(price -> slash > 0)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "modelyard.costs.report.cloud-equivalent must be provider/model of a priced"
                        + " cloud model such as openai/gpt-4o-mini, was '"
                        + providerAndModel
                        + "'"));
  }
}
