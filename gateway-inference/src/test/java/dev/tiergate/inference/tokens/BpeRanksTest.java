package dev.tiergate.inference.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every token of a vocabulary gets the rank its file gives it: o200k_base and cl100k_base list their
 * tokens in rank order (no rank table is kept), p50k_base does not for 24 of them.
 */
class BpeRanksTest {

    @ParameterizedTest
    @ValueSource(strings = {"o200k_base", "cl100k_base", "p50k_base"})
    void givesEveryTokenTheRankItsFileGives(String name) throws IOException {
        String resource = "/com/knuddels/jtokkit/" + name + ".tiktoken";
        BpeRanks ranks = BpeRanks.load(resource);
        int lines = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                BpeRanks.class.getResourceAsStream(resource), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                byte[] token = Base64.getDecoder().decode(parts[0]);
                assertThat(ranks.rank(token, 0, token.length)).as(line).isEqualTo(Integer.parseInt(parts[1]));
                lines++;
            }
        }
        assertThat(ranks.size()).isEqualTo(lines);
        byte[] absent = "\u0000\u0001 not a token \u0002".getBytes(StandardCharsets.UTF_8);
        assertThat(ranks.rank(absent, 0, absent.length)).isEqualTo(BpeRanks.NONE);
    }
}
