package dev.tiergate.core.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals bytes kept outside the process (cached answers, stored responses) with AES-GCM: a random
 * 96-bit nonce per seal, a 128-bit tag, and associated data (where the bytes are kept: a partition
 * and part, a team and id) that is authenticated but not stored, so sealed bytes moved to another
 * place do not open. Sealed bytes are {@code [format byte][nonce][ciphertext and tag]}: the format
 * byte is the caller's, so each kind of stored thing keeps its own. Immutable and thread-safe: each
 * thread seals and opens with its own {@link Cipher}, made once and initialised per call (a fresh
 * one per call cost a provider lookup and the AES key schedule each time: a semantic cache lookup
 * opens up to 64 candidates).
 */
public final class Sealer {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** The fewest bytes a sealed value has: format, nonce and tag (an empty plain text). */
    public static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final byte format;
    /** This thread's cipher; init with the same key reuses its key schedule. */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Sealer::newCipher);

    private Sealer(SecretKey key, byte format) {
        this.key = key;
        this.format = format;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** Seals with {@code key} (AES, 16, 24 or 32 bytes) and marks what it seals with {@code format}. */
    public static Sealer of(SecretKey key, byte format) {
        requireNonNull(key, "key");
        int length = aesKeyLength(key.getEncoded());
        if (length < 0) {
            throw new IllegalArgumentException("sealing key: " + -length + " bytes (expected: 16, 24 or 32)");
        }
        return new Sealer(key, format);
    }

    /**
     * Seals with a key derived from {@code master} (HMAC-SHA256 of {@code label}: a 256-bit key), so
     * that one configured key can protect several kinds of data, each under its own key.
     */
    public static Sealer derived(SecretKey master, String label, byte format) {
        requireNonNull(master, "master");
        requireNonNull(label, "label");
        return of(new SecretKeySpec(derive(master, label), "AES"), format);
    }

    /** HMAC-SHA256 of {@code label} under {@code master}: 32 bytes of key material named by the label. */
    public static byte[] derive(SecretKey master, String label) {
        byte[] raw = master.getEncoded();
        if (aesKeyLength(raw) < 0) {
            throw new IllegalArgumentException("master key: " + (raw == null ? 0 : raw.length)
                    + " bytes (expected: 16, 24 or 32)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** A fresh random AES-256 key. */
    public static SecretKey randomKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return new SecretKeySpec(raw, "AES");
    }

    /** The format byte sealed values of this sealer start with. */
    public byte format() {
        return format;
    }

    /** {@code plain} sealed; {@code context} is authenticated, not stored. */
    public byte[] seal(byte[] plain, String context) {
        requireNonNull(plain, "plain");
        requireNonNull(context, "context");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plain.length)];
            out[0] = format;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            int written = cipher.doFinal(plain, 0, plain.length, out, 1 + NONCE_BYTES);
            if (written != out.length - 1 - NONCE_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes (expected: "
                        + (out.length - 1 - NONCE_BYTES) + ")");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * The plain bytes of {@link #seal}, or {@link IllegalArgumentException} when they are not of this
     * sealer's format, were sealed with another key or for another context, or were changed.
     */
    public byte[] open(byte[] sealed, String context) {
        requireNonNull(sealed, "sealed");
        requireNonNull(context, "context");
        if (sealed.length < OVERHEAD || sealed[0] != format) {
            throw new IllegalArgumentException("sealed value: " + sealed.length + " bytes, format "
                    + (sealed.length > 0 ? sealed[0] : -1) + " (expected: at least " + OVERHEAD + " bytes, format "
                    + format + ")");
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("sealed value does not open with this key and context", e);
        }
    }

    /** The length of an AES key, or minus the length when it is not 16, 24 or 32. */
    private static int aesKeyLength(byte[] raw) {
        int length = raw == null ? 0 : raw.length;
        return length == 16 || length == 24 || length == 32 ? length : -length;
    }

    @Override
    public String toString() {
        return "Sealer[format " + format + ", ***]";
    }
}
