package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.RoutableInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each strategy's order on controlled loads, weights and randomness; the integration tests in
 * {@link GatewayRoutingTests} show the same strategies on real instances.
 */
class RoutingStrategyTests {

  @Test
  void leastOutstandingPutsTheInstanceWithFewestCallsInFlightFirstAndSpreadsTies() {
    List<Candidate> three = candidates(3);
    busy(three.get(0), 2);
    busy(three.get(2), 1);

    assertThat(ids(RoutingStrategy.LEAST_OUTSTANDING.order(three, turn(0))))
        .containsExactly("i1", "i2", "i0");

    busy(three.get(1), 1);
    assertThat(
            IntStream.range(0, 4)
                .mapToObj(t -> RoutingStrategy.LEAST_OUTSTANDING.order(three, turn(t)).getFirst())
                .map(Candidate::id)
                .distinct())
        .as("equally loaded instances take turns")
        .containsExactlyInAnyOrder("i1", "i2");
  }

  @Test
  void lowestLatencyMeasuresEveryInstanceThenPrefersTheFastest() {
    List<Candidate> three = candidates(3);
    three.get(0).load().started();
    three.get(0).load().finished(30_000_000);
    three.get(1).load().started();
    three.get(1).load().finished(10_000_000);

    assertThat(ids(RoutingStrategy.LOWEST_LATENCY.order(three, turn(0))))
        .as("the unmeasured one first, then by latency")
        .containsExactly("i2", "i1", "i0");

    three.get(2).load().started();
    three.get(2).load().finished(50_000_000);
    assertThat(ids(RoutingStrategy.LOWEST_LATENCY.order(three, turn(0))))
        .containsExactly("i1", "i0", "i2");
  }

  @Test
  void weightedAndHealthScoreWeightedFollowTheirWeightsAndKeepZeroForLast() {
    List<Candidate> weighted =
        List.of(candidate("a", 100, 3), candidate("b", 100, 1), candidate("c", 100, 0));
    Map<String, Integer> firsts = firsts(RoutingStrategy.WEIGHTED, weighted, 4000);
    assertThat(firsts).doesNotContainKey("c");
    assertThat(firsts.get("a") / (double) firsts.get("b")).isBetween(2.6, 3.4);
    assertThat(ids(RoutingStrategy.WEIGHTED.order(weighted, turn(0))).getLast()).isEqualTo("c");

    List<Candidate> scored =
        List.of(candidate("x", 90, 1), candidate("y", 30, 1), candidate("z", 0, 1));
    Map<String, Integer> byScore = firsts(RoutingStrategy.HEALTH_SCORE_WEIGHTED, scored, 4000);
    assertThat(byScore).doesNotContainKey("z");
    assertThat(byScore.get("x") / (double) byScore.get("y")).isBetween(2.6, 3.4);
  }

  @Test
  void prefixAffinityMovesOnlyThePrefixesOfAnInstanceThatLeaves() {
    List<Candidate> four = candidates(4);
    List<Candidate> three = four.subList(0, 3);
    int moved = 0;
    for (int p = 0; p < 1000; p++) {
      long prefix = Router.hash("conversation " + p);
      String before = RoutingStrategy.PREFIX_AFFINITY.order(four, turn(0, prefix)).getFirst().id();
      String after = RoutingStrategy.PREFIX_AFFINITY.order(three, turn(7, prefix)).getFirst().id();
      if (!before.equals("i3")) {
        assertThat(after).as("prefix %d stays where it was", p).isEqualTo(before);
      } else {
        moved++;
      }
    }
    assertThat(moved).as("about a quarter lived on the instance that left").isBetween(180, 320);
  }

  @Test
  void roundRobinRotates() {
    List<Candidate> three = candidates(3);
    assertThat(ids(RoutingStrategy.ROUND_ROBIN.order(three, turn(4))))
        .containsExactly("i1", "i2", "i0");
  }

  private static Map<String, Integer> firsts(
      RoutingStrategy strategy, List<Candidate> candidates, int n) {
    SplittableRandom random = new SplittableRandom(42);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String first =
          strategy.order(candidates, new RoutingStrategy.Turn(i, 0, random)).getFirst().id();
      counts.merge(first, 1, Integer::sum);
    }
    return counts;
  }

  private static void busy(Candidate candidate, int calls) {
    for (int i = 0; i < calls; i++) {
      candidate.load().started();
    }
  }

  private static RoutingStrategy.Turn turn(long rotation) {
    return turn(rotation, 0);
  }

  private static RoutingStrategy.Turn turn(long rotation, long prefix) {
    return new RoutingStrategy.Turn(rotation, prefix, new SplittableRandom(1));
  }

  private static List<Candidate> candidates(int n) {
    return IntStream.range(0, n).mapToObj(i -> candidate("i" + i, 100, 1)).toList();
  }

  private static Candidate candidate(String id, int score, int weight) {
    return new Candidate(
        new RoutableInstance(
            id, "local_gguf", "m", "d", "http://127.0.0.1:1", score, weight, null, 512),
        new InstanceLoad());
  }

  private static List<String> ids(List<Candidate> ordered) {
    return ordered.stream().map(Candidate::id).toList();
  }
}
