package dev.tiergate.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SealerTest {
    private static final byte[] PLAIN = "the answer".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensWhatItSealedUnderTheSameContextOnly() {
        Sealer sealer = Sealer.of(Sealer.randomKey(), (byte) 7);
        byte[] sealed = sealer.seal(PLAIN, "team-a:resp_1");

        assertThat(sealed[0]).isEqualTo((byte) 7);
        assertThat(sealed).hasSize(PLAIN.length + Sealer.OVERHEAD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("answer");
        assertThat(sealer.open(sealed, "team-a:resp_1")).isEqualTo(PLAIN);
        assertThatThrownBy(() -> sealer.open(sealed, "team-b:resp_1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFreshNonceEachTimeSoEqualPlainTextsDoNotLookEqual() {
        Sealer sealer = Sealer.of(Sealer.randomKey(), (byte) 1);
        assertThat(sealer.seal(PLAIN, "c")).isNotEqualTo(sealer.seal(PLAIN, "c"));
    }

    @Test
    void refusesAnotherKeyAnotherFormatAChangedByteAndShortInput() {
        Sealer sealer = Sealer.of(Sealer.randomKey(), (byte) 2);
        byte[] sealed = sealer.seal(PLAIN, "c");
        assertThatThrownBy(() -> Sealer.of(Sealer.randomKey(), (byte) 2).open(sealed, "c"))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] otherFormat = sealed.clone();
        otherFormat[0] = 3;
        assertThatThrownBy(() -> sealer.open(otherFormat, "c")).hasMessageContaining("format 3");
        byte[] changed = sealed.clone();
        changed[changed.length - 1] ^= 1;
        assertThatThrownBy(() -> sealer.open(changed, "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealer.open(Arrays.copyOf(sealed, Sealer.OVERHEAD - 1), "c"))
                .hasMessageContaining("at least");
    }

    @Test
    void derivedKeysDependOnTheLabelAndAreStable() {
        SecretKey master = new SecretKeySpec(new byte[32], "AES");
        // HMAC-SHA256(key = 32 zero bytes, "label"), computed independently with openssl:
        // printf %s label | openssl dgst -sha256 -mac HMAC -macopt hexkey:00..00 (64 zeros)
        assertThat(HexFormat.of().formatHex(Sealer.derive(master, "label")))
                .isEqualTo("1ef0d3b4eade9987e2a8ae934f410d385276a53612e577caf9dda9eef38b686e");
        byte[] sealed = Sealer.derived(master, "one", (byte) 1).seal(PLAIN, "c");
        assertThat(Sealer.derived(master, "one", (byte) 1).open(sealed, "c")).isEqualTo(PLAIN);
        assertThatThrownBy(() -> Sealer.derived(master, "two", (byte) 1).open(sealed, "c"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesKeysOfOtherLengths() {
        assertThatThrownBy(() -> Sealer.of(new SecretKeySpec(new byte[20], "AES"), (byte) 1))
                .hasMessage("sealing key: 20 bytes (expected: 16, 24 or 32)");
    }
}
