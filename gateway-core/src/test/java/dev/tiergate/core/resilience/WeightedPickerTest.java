package dev.tiergate.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedPickerTest {
    record Item(String name, int weight) {
    }

    @Test
    void theFirstIsPickedInProportionToItsWeightAndEveryItemFollows() {
        List<Item> items = List.of(new Item("a", 2), new Item("b", 1), new Item("c", 1));
        Random random = new Random(7);
        Map<String, Integer> first = new HashMap<>();
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            List<Item> order = WeightedPicker.order(items, Item::weight, random);
            assertThat(order).containsExactlyInAnyOrderElementsOf(items);
            first.merge(order.getFirst().name(), 1, Integer::sum);
        }
        assertThat(first.get("a") / (double) rounds).isCloseTo(0.5, within(0.02));
        assertThat(first.get("b") / (double) rounds).isCloseTo(0.25, within(0.02));
        assertThat(first.get("c") / (double) rounds).isCloseTo(0.25, within(0.02));
    }

    @Test
    void aSingleItemNeedsNoRandomness() {
        assertThat(WeightedPicker.order(List.of(new Item("a", 1)), Item::weight, null)).extracting(Item::name)
                .containsExactly("a");
    }
}
