package memcgspec.impl;

/**
 * Thrown by a step method when the step is not enabled in the current state (the spec's guard is
 * false): for example a CommitCharge on a page that already has an owner, or the final put of a page
 * that still has other references. A refused step changes nothing.
 */
public final class StepRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StepRefused(String message) {
        super(message);
    }
}
