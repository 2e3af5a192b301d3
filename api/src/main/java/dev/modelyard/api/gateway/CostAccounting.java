package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.BudgetExhaustedException;
import dev.modelyard.api.security.Caller;
import dev.modelyard.infra.costs.CostLedger;
import dev.modelyard.infra.costs.CostRecord;
import dev.modelyard.infra.costs.KeyBudgets;
import dev.modelyard.infra.costs.MonthlyBudget;
import dev.modelyard.infra.costs.PriceTable;
import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.settings.CostSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Prices each served request, and keeps MONTHLY_COST_LIMIT and the calling key's own monthly
 * budget. All of it reads memory only: the ledger writes its rows in the background and answers the
 * month's spend, in total and per caller, from what it holds.
 *
 * <p>The caller comes from {@code currentCaller} (security's binding of it to the request's thread)
 * rather than through the gateway's methods, so that the budget check needs no change to the
 * request path's signatures. Both checks run on the request's own thread, before any backend is
 * called; the cache's loader thread never reaches a cloud step.
 */
final class CostAccounting {

  private final PriceTable prices;
  private final CostLedger ledger;
  private final MonthlyBudget budget;
  private final KeyBudgets keyBudgets;
  private final Supplier<Optional<Caller>> currentCaller;
  private final Clock clock;
  private final boolean tracking;
  private final SharedCostHolds sharedHolds;
  private final Duration holdLapse;

  /**
   * @param sharedHolds null without Redis: each replica holds against the limits on its own
   */
  CostAccounting(
      PriceTable prices,
      CostLedger ledger,
      CostSettings settings,
      Clock clock,
      Supplier<Optional<Caller>> currentCaller,
      SharedCostHolds sharedHolds,
      Duration totalTimeout) {
    this.prices = prices;
    this.ledger = ledger;
    this.sharedHolds = sharedHolds;
    this.holdLapse = holdLapseUnder(totalTimeout);
    this.budget = new MonthlyBudget(settings, ledger, clock);
    this.keyBudgets = new KeyBudgets(settings, ledger, clock);
    this.currentCaller = currentCaller;
    this.clock = clock;
    this.tracking = settings.trackingEnabled();
  }

  /**
   * Refuses every generation when the limit, or the caller's own budget, is reached and the scope
   * is all traffic.
   */
  void checkLocalAllowed() {
    refusal(CostRecord.Kind.LOCAL)
        .ifPresent(
            reason -> {
              throw new BudgetExhaustedException(reason);
            });
  }

  private Optional<String> refusal(CostRecord.Kind kind) {
    return budget
        .refusal(kind)
        .or(
            () ->
                currentCaller
                    .get()
                    .filter(caller -> caller.monthlyBudgetUsd() != null)
                    .flatMap(
                        caller ->
                            keyBudgets.refusal(
                                caller.id(), caller.name(), caller.monthlyBudgetUsd(), kind)));
  }

  /**
   * Lets a cloud fallback run for this caller, holding what it may cost at most against the monthly
   * limit and the caller's budget while it runs: a token in per four bytes of its request, and its
   * {@code max_tokens} out ({@link #UNBOUNDED_ANSWER_TOKENS} where it has none, 0) for each of its
   * {@code choices} (OpenAI's {@code n}). Without the hold, every call that starts before the first
   * one is recorded passes the check, and spend past the limit grows with concurrency. Checked and
   * held as one step, so that concurrent calls see each other's holds: on every replica through
   * Redis ({@link SharedCostHolds}, whose script is the one step), on this one alone while Redis is
   * away. A hold that is never closed lapses after {@link #holdLapseUnder} the total timeout.
   */
  CloudPermit permitCloud(
      String provider, String model, int requestBytes, int maxTokens, int choices) {
    long perChoice = maxTokens > 0 ? maxTokens : UNBOUNDED_ANSWER_TOKENS;
    Usage most =
        new Usage(
            (requestBytes + 3) / 4,
            (int) Math.min(Integer.MAX_VALUE, perChoice * Math.max(1, choices)));
    BigDecimal cost = prices.cloud(clock.instant(), null, provider, model, most).costUsd();
    Optional<Caller> caller = currentCaller.get();
    String callerId = caller.map(Caller::id).orElse(null);
    BigDecimal keyBudget = caller.map(Caller::monthlyBudgetUsd).orElse(null);
    if (sharedHolds == null || (budget.limit() == null && keyBudget == null)) {
      return permitHere(callerId, cost);
    }
    Optional<String> refusal = refusal(CostRecord.Kind.CLOUD);
    if (refusal.isPresent()) {
      return new CloudPermit(null, refusal.get());
    }
    BigDecimal recorded = ledger.recordedThisMonth();
    BigDecimal recordedByCaller =
        callerId == null ? BigDecimal.ZERO : ledger.recordedThisMonthBy(callerId);
    Optional<SharedCostHolds.Outcome> shared =
        sharedHolds.tryHold(
            callerId, cost, holdLapse, recorded, budget.limit(), recordedByCaller, keyBudget);
    return switch (shared.orElse(null)) {
      // Redis cannot answer now: this replica's own holds, as without Redis.
      case null -> permitHere(callerId, cost);
      case SharedCostHolds.Outcome.Held held ->
          new CloudPermit(
              ledger.hold(callerId, cost, holdLapse, () -> sharedHolds.release(held.id())), null);
      case SharedCostHolds.Outcome.OverLimit over ->
          new CloudPermit(null, budget.reached(recorded.add(over.held())));
      case SharedCostHolds.Outcome.OverBudget over ->
          new CloudPermit(
              null,
              keyBudgets.reached(
                  caller.orElseThrow().name(), keyBudget, recordedByCaller.add(over.held())));
    };
  }

  /** Checked against this replica's holds alone, and held among them, in one step. */
  private synchronized CloudPermit permitHere(String callerId, BigDecimal cost) {
    Optional<String> refusal = refusal(CostRecord.Kind.CLOUD);
    if (refusal.isPresent()) {
      return new CloudPermit(null, refusal.get());
    }
    return new CloudPermit(ledger.hold(callerId, cost, holdLapse), null);
  }

  /** A cloud call's go-ahead, with its hold on what it may cost; or why it may not run now. */
  record CloudPermit(CostLedger.Hold hold, String refusal) {}

  /** The answer a cloud call is held for when its request does not bound it. */
  static final int UNBOUNDED_ANSWER_TOKENS = 4096;

  /** The least time a hold lives: three times the gateway's default total timeout. */
  static final Duration MIN_HOLD_LAPSE = Duration.ofMinutes(30);

  /**
   * How long a hold that is never closed lives: longer than any call is let run, a stream being cut
   * at the gateway's total timeout. Fixed at 30 minutes, a total timeout set above it let a long
   * cloud stream lose its hold while it ran, and calls started then were judged without it.
   */
  static Duration holdLapseUnder(Duration totalTimeout) {
    Duration overTotal = totalTimeout.plusMinutes(10);
    return overTotal.compareTo(MIN_HOLD_LAPSE) > 0 ? overTotal : MIN_HOLD_LAPSE;
  }

  /**
   * Records what a served request cost, answering its cost in dollars.
   *
   * @param caller the authenticated caller ({@code key:<id>} or {@code jwt:<sub>}), or null
   */
  BigDecimal record(
      String caller, String provider, String model, boolean cloud, Usage usage, Duration compute) {
    CostRecord record =
        cloud
            ? prices.cloud(clock.instant(), caller, provider, model, usage)
            : prices.local(clock.instant(), caller, provider, model, usage, compute);
    if (tracking || cloud) {
      // A cloud call is always counted: the limit must hold even with tracking off.
      ledger.record(record);
    }
    if (cloud && sharedHolds != null) {
      sharedHolds.recorded(caller, record.costUsd());
    }
    return record.costUsd();
  }
}
