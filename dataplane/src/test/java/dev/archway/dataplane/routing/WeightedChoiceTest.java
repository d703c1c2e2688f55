package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedChoiceTest {
  private record Item(String name, int weight) {}

  @Test
  void picksEachItemInProportionToItsWeight() {
    for (List<Item> items :
        List.of(
            List.of(new Item("a", 1), new Item("b", 3)),
            List.of(new Item("a", 6), new Item("zero", 0), new Item("b", 1), new Item("c", 3)),
            List.of(new Item("a", 1), new Item("b", 1), new Item("c", 98)))) {
      WeightedChoice<Item> choice = new WeightedChoice<>(items, Item::weight);
      Random random = new Random(7);
      Map<Item, Integer> counts = new HashMap<>();
      int n = 50_000;
      for (int i = 0; i < n; i++) {
        counts.merge(choice.pick(random), 1, Integer::sum);
      }
      int total = items.stream().mapToInt(Item::weight).sum();
      for (Item item : items) {
        double share = counts.getOrDefault(item, 0) / (double) n;
        assertThat(share)
            .as("%s in %s", item.name(), items)
            .isCloseTo(item.weight() / (double) total, within(0.01));
      }
    }
  }

  @Test
  void picksNothingWhenEveryWeightIsZero() {
    WeightedChoice<Item> choice = new WeightedChoice<>(List.of(new Item("zero", 0)), Item::weight);

    assertThat(choice.isEmpty()).isTrue();
    assertThat(choice.pick(new Random(1))).isNull();
  }
}
