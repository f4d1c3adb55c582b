package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

/** A stage's name and failure policy, fixed when it is made: what every stage declares the same way. */
public abstract class NamedStage implements PipelineStage {
    private final String name;
    private final FailurePolicy failurePolicy;

    protected NamedStage(String name, FailurePolicy failurePolicy) {
        this.name = requireNonNull(name, "name");
        this.failurePolicy = requireNonNull(failurePolicy, "failurePolicy");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final FailurePolicy failurePolicy() {
        return failurePolicy;
    }
}
