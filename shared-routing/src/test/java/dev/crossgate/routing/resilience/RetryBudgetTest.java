package dev.crossgate.routing.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The retry budget allows a share of the requests as retries, plus a floor per second. */
class RetryBudgetTest {

  @Test
  void allowsThePercentOfRequestsAsRetries() {
    RetryBudget budget = new RetryBudget(new RetryBudget.Settings(20, 0));
    for (int i = 0; i < 50; i++) {
      budget.recordRequest();
    }
    int granted = 0;
    while (budget.tryRetry()) {
      granted++;
      if (granted > 1000) {
        break;
      }
    }
    assertThat(granted).isEqualTo(10);
  }

  @Test
  void theFloorAllowsRetriesWithoutTraffic() {
    RetryBudget budget = new RetryBudget(new RetryBudget.Settings(0, 1));
    int granted = 0;
    while (budget.tryRetry() && granted < 1000) {
      granted++;
    }
    assertThat(granted).isEqualTo(RetryBudget.WINDOW_SECONDS);
  }

  @Test
  void aZeroBudgetRefusesEveryRetry() {
    RetryBudget budget = new RetryBudget(new RetryBudget.Settings(0, 0));
    budget.recordRequest();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void defaultsAreTwentyPercentAndTenPerSecond() {
    assertThat(RetryBudget.Settings.of(null)).isEqualTo(RetryBudget.Settings.DEFAULTS);
    assertThat(RetryBudget.Settings.DEFAULTS.percent()).isEqualTo(20);
  }
}
