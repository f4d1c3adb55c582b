package dev.tiergate.cache.semantic.sealing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The cache's sealed parts keep the format entries already stored in Redis have: format byte 2, a
 * 96-bit nonce, AES-GCM under HMAC-SHA256(master, "tiergate semantic cache: sealing") with the
 * context as associated data. Built here with the JDK's cipher directly, as the cache wrote them
 * before sealing moved to {@code core.crypto.Sealer}.
 */
class CacheKeysFormatTest {

    @Test
    void partsSealedInTheStoredFormatStillOpenAndNewOnesKeepIt() throws Exception {
        byte[] master = new byte[32];
        for (int i = 0; i < master.length; i++) {
            master[i] = (byte) i;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(master, "HmacSHA256"));
        byte[] sealingKey = mac.doFinal("tiergate semantic cache: sealing".getBytes(StandardCharsets.UTF_8));
        byte[] nonce = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealingKey, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD("partition:a".getBytes(StandardCharsets.UTF_8));
        byte[] body = cipher.doFinal("a stored answer".getBytes(StandardCharsets.UTF_8));
        byte[] stored = ByteBuffer.allocate(1 + 12 + body.length).put((byte) 2).put(nonce).put(body).array();

        CacheKeys keys = CacheKeys.of(new SecretKeySpec(master, "AES"));
        assertThat(new String(keys.open(stored, "partition:a"), StandardCharsets.UTF_8)).isEqualTo("a stored answer");

        byte[] fresh = keys.seal("new".getBytes(StandardCharsets.UTF_8), "partition:a");
        assertThat(fresh[0]).isEqualTo((byte) 2);
        Cipher opener = Cipher.getInstance("AES/GCM/NoPadding");
        opener.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealingKey, "AES"), new GCMParameterSpec(128, fresh, 1, 12));
        opener.updateAAD("partition:a".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(opener.doFinal(fresh, 13, fresh.length - 13), StandardCharsets.UTF_8)).isEqualTo("new");
    }
}
