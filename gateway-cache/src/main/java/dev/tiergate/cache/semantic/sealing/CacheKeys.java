package dev.tiergate.cache.semantic.sealing;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.crypto.Sealer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one cache key (a team's {@code encryption-key}, or the gateway's) protects the semantic
 * cache's entries with. Two keys are derived from it with HMAC-SHA256 and fixed labels: a sealing
 * key (AES-256-GCM through {@link Sealer}: every stored byte derived from a prompt or an answer is
 * sealed with a random 96-bit nonce and the partition and part name as associated data, so a part
 * cannot be moved to another entry kind or partition) and an index key (HMAC-SHA256: the partition name and the LSH
 * bucket numbers, so the store's keys reveal neither the context hash nor the sign bits of the
 * prompt's embedding). Immutable and thread-safe.
 */
public final class CacheKeys {
    /** The format byte of the cache's sealed parts (unchanged since entries were first sealed). */
    private static final byte FORMAT = 2;

    private final Sealer sealer;
    private final SecretKeySpec index;
    /** This thread's HMAC under the index key (a lookup hashes its partition and every LSH band). */
    private final ThreadLocal<Mac> macs;

    private CacheKeys(Sealer sealer, SecretKeySpec index) {
        this.sealer = sealer;
        this.index = index;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The keys derived from {@code master} (an AES key of 128, 192 or 256 bits). */
    public static CacheKeys of(SecretKey master) {
        requireNonNull(master, "master");
        byte[] raw = master.getEncoded();
        if (raw == null || (raw.length != 16 && raw.length != 24 && raw.length != 32)) {
            throw new IllegalArgumentException("cache key: " + (raw == null ? 0 : raw.length)
                    + " bytes (expected: 16, 24 or 32)");
        }
        return new CacheKeys(Sealer.derived(master, "tiergate semantic cache: sealing", FORMAT),
                new SecretKeySpec(Sealer.derive(master, "tiergate semantic cache: index"), "HmacSHA256"));
    }

    /** The stored name of a partition: a keyed hash, so equal contexts of different keys never meet. */
    public String partition(String plainPartition) {
        requireNonNull(plainPartition, "plainPartition");
        return HexFormat.of().formatHex(mac(plainPartition.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    /** The stored bucket numbers of LSH bands (one per table): keyed hashes of (table, band). */
    public int[] buckets(int[] bands) {
        int[] out = new int[bands.length];
        for (int table = 0; table < bands.length; table++) {
            byte[] digest = mac(ByteBuffer.allocate(8).putInt(table).putInt(bands[table]).array());
            out[table] = ByteBuffer.wrap(digest).getInt();
        }
        return out;
    }

    /** {@code plain} sealed with AES-GCM; {@code context} (partition and part) is authenticated, not stored. */
    public byte[] seal(byte[] plain, String context) {
        return sealer.seal(plain, context);
    }

    /**
     * The plain bytes of {@link #seal}, or {@link IllegalArgumentException} when they were sealed
     * with another key, for another context, or were changed.
     */
    public byte[] open(byte[] sealed, String context) {
        return sealer.open(sealed, context);
    }

    /** A fresh random AES-256 key (a process-lifetime key when nothing is configured). */
    public static SecretKey randomKey() {
        return Sealer.randomKey();
    }

    /** The HMAC of {@code data}; the thread's {@link Mac} is left reset for the next call by {@code doFinal}. */
    private byte[] mac(byte[] data) {
        return macs.get().doFinal(data);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(index);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "CacheKeys[***]";
    }
}
