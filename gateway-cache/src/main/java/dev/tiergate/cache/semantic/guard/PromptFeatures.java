package dev.tiergate.cache.semantic.guard;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@link Guard}s compare, extracted from one prompt. Stored beside a cache entry, so it
 * holds no prompt text: the numbers, names and quotes are kept only as truncated SHA-256 digests,
 * the rest as flags. {@link #encode()} and {@link #decode} give a compact string form.
 *
 * @param numbers  digest of the ordered numbers and operators, "" when there are none
 * @param negated  whether a negation word occurs
 * @param entities digests of the capitalised names, sorted
 * @param quoted   digest of the ordered quoted strings, "" when there are none
 * @param polarity one letter per polar word class present: see {@link #POLAR_WORDS}
 * @param question the leading question word, "" when there is none
 */
public record PromptFeatures(
        String numbers,
        boolean negated,
        Set<String> entities,
        String quoted,
        String polarity,
        String question) {

    private static final Pattern TOKEN = Pattern.compile(
            "\\d+(?:[.,]\\d+)*|[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?|[+*/^=×÷%<>-]");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    /** {@link #normaliseNumber}'s patterns, compiled once (not per number, as String.matches and replaceAll do). */
    private static final Pattern GROUPED_THOUSANDS = Pattern.compile("\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    private static final Pattern DECIMAL = Pattern.compile("\\d+\\.\\d+");
    private static final Pattern TRAILING_ZEROS = Pattern.compile("0+$");
    private static final Pattern TRAILING_POINT = Pattern.compile("\\.$");
    private static final Pattern LEADING_ZEROS = Pattern.compile("^0+(?=\\d)");
    private static final Pattern QUOTE = Pattern.compile("\"([^\"]{1,200})\"|“([^”]{1,200})”|`([^`]{1,200})`"
            + "|(?<![\\p{L}])'([^']{1,200})'(?![\\p{L}])");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing",
            "neither", "nor", "nowhere", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent",
            "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "aint");
    private static final Set<String> OPERATORS = Set.of("+", "-", "*", "/", "^", "=", "×", "÷", "%", "<", ">",
            "plus", "minus", "times", "divided", "over", "squared", "cubed", "power", "percent");
    private static final Map<String, String> NUMBER_WORDS = numberWords();
    private static final Set<String> QUESTION_WORDS = Set.of("what", "why", "how", "when", "where", "who",
            "whom", "whose", "which", "can", "could", "should", "would", "will", "is", "are", "do", "does", "did");
    /**
     * Polar words by class: an upper-case letter and its lower-case partner are opposites. A
     * prompt with only {@code B} and one with only {@code b} ask opposite things.
     */
    static final Map<String, Character> POLAR_WORDS = Map.ofEntries(
            Map.entry("best", 'A'), Map.entry("better", 'A'), Map.entry("good", 'A'),
            Map.entry("worst", 'a'), Map.entry("worse", 'a'), Map.entry("bad", 'a'),
            Map.entry("most", 'B'), Map.entry("more", 'B'), Map.entry("maximum", 'B'), Map.entry("max", 'B'),
            Map.entry("highest", 'B'), Map.entry("largest", 'B'), Map.entry("biggest", 'B'),
            Map.entry("increase", 'B'), Map.entry("raise", 'B'),
            Map.entry("least", 'b'), Map.entry("less", 'b'), Map.entry("fewer", 'b'), Map.entry("minimum", 'b'),
            Map.entry("min", 'b'), Map.entry("lowest", 'b'), Map.entry("smallest", 'b'),
            Map.entry("decrease", 'b'), Map.entry("reduce", 'b'), Map.entry("lower", 'b'),
            Map.entry("before", 'C'), Map.entry("after", 'c'),
            Map.entry("advantages", 'D'), Map.entry("advantage", 'D'), Map.entry("pros", 'D'),
            Map.entry("benefits", 'D'),
            Map.entry("disadvantages", 'd'), Map.entry("disadvantage", 'd'), Map.entry("cons", 'd'),
            Map.entry("drawbacks", 'd'),
            Map.entry("cheap", 'E'), Map.entry("cheapest", 'E'), Map.entry("cheaper", 'E'),
            Map.entry("expensive", 'e'), Map.entry("costly", 'e'),
            Map.entry("start", 'F'), Map.entry("begin", 'F'), Map.entry("enable", 'F'), Map.entry("open", 'F'),
            Map.entry("stop", 'f'), Map.entry("end", 'f'), Map.entry("disable", 'f'), Map.entry("close", 'f'),
            Map.entry("add", 'G'), Map.entry("install", 'G'), Map.entry("create", 'G'),
            Map.entry("remove", 'g'), Map.entry("uninstall", 'g'), Map.entry("delete", 'g'),
            Map.entry("true", 'H'), Map.entry("false", 'h'),
            Map.entry("pass", 'I'), Map.entry("fail", 'i'),
            Map.entry("gain", 'J'), Map.entry("lose", 'j'),
            Map.entry("buy", 'K'), Map.entry("sell", 'k'),
            Map.entry("positive", 'L'), Map.entry("negative", 'l'),
            Map.entry("fast", 'M'), Map.entry("faster", 'M'), Map.entry("fastest", 'M'), Map.entry("quick", 'M'),
            Map.entry("quickly", 'M'), Map.entry("quicker", 'M'),
            Map.entry("slow", 'm'), Map.entry("slowly", 'm'), Map.entry("slower", 'm'), Map.entry("slowest", 'm'),
            Map.entry("last", 'N'), Map.entry("final", 'N'), Map.entry("first", 'n'),
            Map.entry("early", 'O'), Map.entry("earlier", 'O'), Map.entry("earliest", 'O'),
            Map.entry("late", 'o'), Map.entry("later", 'o'),
            Map.entry("new", 'P'), Map.entry("newer", 'P'), Map.entry("newest", 'P'), Map.entry("latest", 'P'),
            Map.entry("old", 'p'), Map.entry("older", 'p'), Map.entry("oldest", 'p'),
            Map.entry("long", 'Q'), Map.entry("longer", 'Q'), Map.entry("longest", 'Q'),
            Map.entry("short", 'q'), Map.entry("shorter", 'q'), Map.entry("shortest", 'q'),
            Map.entry("big", 'R'), Map.entry("bigger", 'R'), Map.entry("large", 'R'), Map.entry("larger", 'R'),
            Map.entry("small", 'r'), Map.entry("smaller", 'r'), Map.entry("tiny", 'r'),
            Map.entry("upload", 'S'), Map.entry("download", 's'),
            Map.entry("import", 'T'), Map.entry("export", 't'),
            Map.entry("encrypt", 'U'), Map.entry("decrypt", 'u'),
            Map.entry("include", 'V'), Map.entry("including", 'V'), Map.entry("exclude", 'v'),
            Map.entry("excluding", 'v'),
            Map.entry("allow", 'W'), Map.entry("accept", 'W'), Map.entry("approve", 'W'),
            Map.entry("deny", 'w'), Map.entry("reject", 'w'), Map.entry("block", 'w'),
            Map.entry("inside", 'X'), Map.entry("outside", 'x'),
            Map.entry("top", 'Y'), Map.entry("bottom", 'y'),
            Map.entry("above", 'Z'), Map.entry("below", 'z'),
            Map.entry("read", 'Α'), Map.entry("write", 'α'),
            Map.entry("win", 'Β'), Map.entry("won", 'Β'), Map.entry("lost", 'β'),
            Map.entry("love", 'Γ'), Map.entry("like", 'Γ'), Map.entry("hate", 'γ'), Map.entry("dislike", 'γ'),
            Map.entry("rich", 'Δ'), Map.entry("poor", 'δ'),
            Map.entry("hot", 'Ε'), Map.entry("warm", 'Ε'), Map.entry("cold", 'ε'), Map.entry("cool", 'ε'),
            Map.entry("safe", 'Ζ'), Map.entry("dangerous", 'ζ'), Map.entry("unsafe", 'ζ'),
            Map.entry("legal", 'Η'), Map.entry("illegal", 'η'),
            Map.entry("easy", 'Θ'), Map.entry("easier", 'Θ'), Map.entry("easiest", 'Θ'),
            Map.entry("hard", 'θ'), Map.entry("harder", 'θ'), Map.entry("hardest", 'θ'), Map.entry("difficult", 'θ'),
            Map.entry("strong", 'Ι'), Map.entry("stronger", 'Ι'), Map.entry("weak", 'ι'), Map.entry("weaker", 'ι'),
            Map.entry("north", 'Κ'), Map.entry("south", 'κ'), Map.entry("east", 'Λ'), Map.entry("west", 'λ'),
            Map.entry("left", 'Μ'), Map.entry("right", 'μ'),
            Map.entry("formal", 'Ν'), Map.entry("informal", 'ν'), Map.entry("casual", 'ν'),
            Map.entry("polite", 'Ξ'), Map.entry("rude", 'ξ'),
            Map.entry("success", 'Ο'), Map.entry("succeed", 'Ο'), Map.entry("failure", 'ο'),
            Map.entry("failed", 'ο'),
            Map.entry("subscribe", 'Π'), Map.entry("renew", 'Π'), Map.entry("unsubscribe", 'π'),
            Map.entry("cancel", 'π'),
            Map.entry("high", 'Ρ'), Map.entry("low", 'ρ'),
            Map.entry("grow", 'Σ'), Map.entry("shrink", 'σ'),
            Map.entry("input", 'Τ'), Map.entry("output", 'τ'),
            Map.entry("male", 'Υ'), Map.entry("female", 'υ'),
            Map.entry("push", 'Φ'), Map.entry("pull", 'φ'),
            Map.entry("sort", 'Χ'), Map.entry("shuffle", 'χ'));

    public PromptFeatures {
        requireNonNull(numbers, "numbers");
        entities = Set.copyOf(new TreeSet<>(requireNonNull(entities, "entities")));
        requireNonNull(quoted, "quoted");
        requireNonNull(polarity, "polarity");
        requireNonNull(question, "question");
    }

    /** The features of one prompt. Pure and fast (microseconds): safe on any thread. */
    public static PromptFeatures of(String prompt) {
        requireNonNull(prompt, "prompt");
        List<String> tokens = new ArrayList<>();
        List<Boolean> capitalised = new ArrayList<>();
        List<Boolean> sentenceStart = new ArrayList<>();
        Matcher m = TOKEN.matcher(prompt);
        int last = 0;
        boolean atStart = true;
        while (m.find()) {
            String between = prompt.substring(last, m.start());
            if (between.indexOf('.') >= 0 || between.indexOf('?') >= 0 || between.indexOf('!') >= 0
                    || between.indexOf('\n') >= 0 || between.indexOf(':') >= 0) {
                atStart = true;
            }
            String token = m.group();
            tokens.add(token);
            capitalised.add(Character.isUpperCase(token.codePointAt(0)));
            sentenceStart.add(atStart);
            atStart = false;
            last = m.end();
        }

        StringBuilder numeric = new StringBuilder();
        boolean negated = false;
        TreeSet<String> entities = new TreeSet<>();
        TreeSet<Character> polar = new TreeSet<>();
        String question = "";
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String lower = token.toLowerCase(Locale.ROOT).replace("’", "'");
            String bare = lower.replace("'", "");
            if (NUMBER.matcher(token).matches()) {
                numeric.append(normaliseNumber(token)).append(' ');
            } else if (NUMBER_WORDS.containsKey(lower)) {
                numeric.append(NUMBER_WORDS.get(lower)).append(' ');
            } else if (OPERATORS.contains(lower) && betweenNumbers(tokens, i)) {
                numeric.append(operator(lower)).append(' ');
            }
            if (NEGATIONS.contains(bare) || lower.endsWith("n't")) {
                negated = true;
            }
            if (isEntity(token, capitalised.get(i), sentenceStart.get(i))) {
                entities.add(digest(lower));
            }
            Character polarity = POLAR_WORDS.get(lower);
            if (polarity != null) {
                polar.add(polarity);
            }
            if (question.isEmpty() && i < 3 && QUESTION_WORDS.contains(lower)) {
                question = lower;
            }
        }
        StringBuilder quotes = new StringBuilder();
        Matcher q = QUOTE.matcher(prompt);
        while (q.find()) {
            for (int g = 1; g <= q.groupCount(); g++) {
                if (q.group(g) != null) {
                    quotes.append(q.group(g).strip().toLowerCase(Locale.ROOT)).append('\u0000');
                }
            }
        }
        StringBuilder polarity = new StringBuilder();
        polar.forEach(polarity::append);
        return new PromptFeatures(numeric.isEmpty() ? "" : digest(numeric.toString()), negated, entities,
                quotes.isEmpty() ? "" : digest(quotes.toString()), polarity.toString(), question);
    }

    /** Whether a hit between prompts with these features passes every guard in {@code guards}. */
    public boolean compatibleWith(PromptFeatures other, Set<Guard> guards) {
        for (Guard guard : guards) {
            boolean ok = switch (guard) {
                case NUMBERS -> numbers.equals(other.numbers);
                case NEGATION -> negated == other.negated;
                case ENTITIES -> entities.equals(other.entities);
                case QUOTED -> quoted.equals(other.quoted);
                case POLARITY -> !opposite(polarity, other.polarity) && !opposite(other.polarity, polarity);
                case QUESTION_WORD -> question.equals(other.question);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A compact string: fields separated by {@code |}, entities by {@code ,}. */
    public String encode() {
        return numbers + '|' + (negated ? '1' : '0') + '|' + String.join(",", new TreeSet<>(entities)) + '|'
                + quoted + '|' + polarity + '|' + question;
    }

    public static PromptFeatures decode(String encoded) {
        requireNonNull(encoded, "encoded");
        String[] f = encoded.split("\\|", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("prompt features: " + f.length + " fields (expected: 6)");
        }
        Set<String> entities = f[2].isEmpty() ? Set.of() : Set.of(f[2].split(","));
        return new PromptFeatures(f[0], "1".equals(f[1]), entities, f[3], f[4], f[5]);
    }

    /** True when {@code a} holds a polar class letter whose opposite is in {@code b} but which is not in {@code b}. */
    private static boolean opposite(String a, String b) {
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            char partner = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
            if (b.indexOf(partner) >= 0 && b.indexOf(c) < 0 && a.indexOf(partner) < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEntity(String token, boolean capitalised, boolean sentenceStart) {
        if (token.length() < 2 || !Character.isLetter(token.codePointAt(0))) {
            return false;
        }
        boolean acronym = token.length() >= 2 && token.chars().allMatch(c -> Character.isUpperCase(c)
                || Character.isDigit(c));
        return acronym || (capitalised && !sentenceStart);
    }

    private static boolean betweenNumbers(List<String> tokens, int i) {
        return i > 0 && i + 1 < tokens.size() && isNumeric(tokens.get(i - 1)) && isNumeric(tokens.get(i + 1));
    }

    private static boolean isNumeric(String token) {
        return NUMBER.matcher(token).matches() || NUMBER_WORDS.containsKey(token.toLowerCase(Locale.ROOT));
    }

    private static String operator(String op) {
        return switch (op) {
            case "plus" -> "+";
            case "minus" -> "-";
            case "times", "×" -> "*";
            case "divided", "over", "÷" -> "/";
            default -> op;
        };
    }

    private static String normaliseNumber(String token) {
        // 1,000 and 1000 are one number; 3.50 and 3.5 too.
        String plain = GROUPED_THOUSANDS.matcher(token).matches() ? token.replace(",", "") : token;
        if (plain.contains(".") && DECIMAL.matcher(plain).matches()) {
            plain = TRAILING_POINT.matcher(TRAILING_ZEROS.matcher(plain).replaceAll("")).replaceAll("");
        }
        return LEADING_ZEROS.matcher(plain).replaceFirst("");
    }

    private static Map<String, String> numberWords() {
        String[] small = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                "nineteen", "twenty"};
        java.util.HashMap<String, String> words = new java.util.HashMap<>();
        for (int i = 0; i < small.length; i++) {
            words.put(small[i], Integer.toString(i));
        }
        String[] tens = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        for (int i = 0; i < tens.length; i++) {
            words.put(tens[i], Integer.toString((i + 3) * 10));
        }
        words.put("hundred", "100");
        words.put("thousand", "1000");
        words.put("million", "1000000");
        words.put("billion", "1000000000");
        words.put("half", "0.5");
        words.put("first", "1st");
        words.put("second", "2nd");
        words.put("third", "3rd");
        words.put("twice", "2x");
        words.put("double", "2x");
        words.put("triple", "3x");
        return Map.copyOf(words);
    }

    private static String digest(String value) {
        return HexFormat.of().formatHex(Sha256.of(value.getBytes(StandardCharsets.UTF_8)), 0, 6);
    }

    /** Every guard. */
    public static Set<Guard> allGuards() {
        return EnumSet.allOf(Guard.class);
    }
}
