package dev.tiergate.core.config;

import java.util.List;

/**
 * The {@code cascade-*} keys of {@code router:} (gateway.yaml defaults, team overrides); null
 * fields inherit. {@code checks}: the answer checks that escalate ({@code refusal},
 * {@code truncated}, {@code invalid-json}, {@code low-logprob}); {@code minMeanLogprob} and
 * {@code minTokenLogprob}: the low-logprob check's floors; {@code streams}: {@code off} or
 * {@code buffered}; {@code holdBytes}/{@code holdMillis}: how much of a buffered stream is held
 * before it is committed to unchecked.
 */
public record CascadeConfig(
        List<String> checks,
        Double minMeanLogprob,
        Double minTokenLogprob,
        String streams,
        Integer holdBytes,
        Integer holdMillis) {

    public static final CascadeConfig INHERIT = new CascadeConfig(null, null, null, null, null, null);

    public CascadeConfig {
        checks = checks == null ? null : List.copyOf(checks);
    }
}
