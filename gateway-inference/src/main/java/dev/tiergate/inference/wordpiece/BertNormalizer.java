package dev.tiergate.inference.wordpiece;

import java.text.Normalizer;
import java.util.Locale;

/**
 * HuggingFace's {@code BertNormalizer}, step for step: drop control characters and turn every
 * whitespace into a space ({@code clean_text}), put spaces around CJK ideographs
 * ({@code handle_chinese_chars}), decompose and drop non-spacing marks ({@code strip_accents}, which
 * follows {@code lowercase} when the file leaves it unset), and lowercase each character on its own.
 * Character classes follow the JDK's Unicode tables, so characters assigned in a newer Unicode
 * version than the Rust tokenizer's may be kept where that one dropped them.
 *
 * @param cleanText          drop controls, map whitespace to a space
 * @param chineseCharacters  isolate CJK ideographs
 * @param stripAccents       drop non-spacing marks after canonical decomposition
 * @param lowercase          lowercase every character
 */
record BertNormalizer(boolean cleanText, boolean chineseCharacters, boolean stripAccents, boolean lowercase) {

    /** The text as the model's vocabulary expects it. */
    String normalize(String text) {
        if (isPlainAscii(text)) {
            return normalizeAscii(text);
        }
        String out = text;
        if (cleanText) {
            out = clean(out);
        }
        if (chineseCharacters) {
            out = spaceChinese(out);
        }
        if (stripAccents) {
            out = stripAccents(out);
        }
        if (lowercase) {
            out = lowercase(out);
        }
        return out;
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The same steps for ASCII, where no accent or ideograph can occur. */
    private String normalizeAscii(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char mapped = c;
            boolean drop = false;
            if (cleanText) {
                if (c == '\t' || c == '\n' || c == '\r') {
                    mapped = ' ';
                } else if (c < 0x20 || c == 0x7f) {
                    drop = true;
                }
            }
            if (lowercase && mapped >= 'A' && mapped <= 'Z') {
                mapped = (char) (mapped + ('a' - 'A'));
            }
            if (out == null && (drop || mapped != c)) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null && !drop) {
                out.append(mapped);
            }
        }
        return out == null ? text : out.toString();
    }

    private static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xfffd || isControl(cp)) {
                return;
            }
            out.appendCodePoint(Characters.isWhitespace(cp) ? ' ' : cp);
        });
        return out.toString();
    }

    private static String spaceChinese(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (isChinese(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static String stripAccents(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints().forEach(cp -> {
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** Each character lowercased alone, as Rust's {@code char::to_lowercase} does (no final sigma). */
    private static String lowercase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
            } else {
                out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            }
        });
        return out.toString();
    }

    /**
     * Rust tokenizers' {@code is_control}: control, format, private-use and surrogate characters, tab
     * and line breaks excepted. Unassigned code points are kept (measured against the Rust library).
     */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        };
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
