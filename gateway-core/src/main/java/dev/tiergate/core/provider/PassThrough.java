package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatRequest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The bytes of one request that a provider speaking the client's format (OpenAI chat completions)
 * may forward instead of re-encoding, both ways. Set by an endpoint whose client takes the
 * upstream's answer as it comes; absent for a client in another format (the Responses or Messages
 * API), whose answers are translated from decoded chunks.
 *
 * <p>Out: the client's body, as long as the request the adapter is given is the one parsed from it
 * but for {@code model}, {@code stream} and {@code stream_options} (the fields an adapter patches);
 * any other change made on the way (a stage that rewrites the request) means the adapter encodes the
 * request as usual. Back: an adapter {@link #keep keeps} the upstream's JSON of each decoded answer
 * or chunk it can be sent as; the server {@link #take takes} it for what reaches it. Kept by
 * identity: a stage that changes an answer makes a new object (records are immutable), which has
 * no bytes kept and is encoded, so bytes go out only for an answer nobody rewrote.
 */
public final class PassThrough {
    private final byte[] clientBody;
    private final ChatRequest parsed;
    private final Map<Object, byte[]> kept = new IdentityHashMap<>();

    private PassThrough(byte[] clientBody, ChatRequest parsed) {
        this.clientBody = requireNonNull(clientBody, "clientBody");
        this.parsed = requireNonNull(parsed, "parsed");
    }

    /** For a request {@code parsed} from {@code clientBody}. */
    public static PassThrough of(byte[] clientBody, ChatRequest parsed) {
        return new PassThrough(clientBody, parsed);
    }

    /**
     * The client's body when {@code request} is the parsed one but for model, stream and stream
     * options, else null (the request must be encoded).
     */
    public byte[] clientBody(ChatRequest request) {
        ChatRequest asParsed = request.withModel(parsed.model()).withStream(parsed.stream(), parsed.streamOptions());
        return asParsed.equals(parsed) ? clientBody : null;
    }

    /** Keeps {@code json}, the upstream's encoding of {@code decoded} (a completion or a chunk). */
    public void keep(Object decoded, byte[] json) {
        requireNonNull(decoded, "decoded");
        requireNonNull(json, "json");
        synchronized (kept) {
            kept.put(decoded, json);
        }
    }

    /** The upstream's JSON kept for this very object (and forgets it), or null: encode it. */
    public byte[] take(Object decoded) {
        synchronized (kept) {
            return kept.isEmpty() ? null : kept.remove(decoded);
        }
    }
}
