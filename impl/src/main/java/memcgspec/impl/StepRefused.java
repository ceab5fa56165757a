package memcgspec.impl;

/**
 * Thrown by a step method when the step is not enabled in the current state (the spec's guard is
 * false): for example a CommitCharge on a page that already has an owner, or the final put of a page
 * that still has other references. A refused step changes nothing.
 *
 * <p>A refusal is an answer, not an error, and the engines ask for millions of them (conformance
 * checks every action instance a spec state disables; the property engine tries arbitrary steps):
 * it carries no stack trace, whose capture cost more than the rest of a refused step together
 * (about 2.5 us at the engines' stack depth). Its message names the step and the reason. To debug
 * where a step refuses, run with {@code -Dmemcgspec.refusalStackTraces=true}.
 */
public final class StepRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private static final boolean STACK_TRACES = Boolean.getBoolean("memcgspec.refusalStackTraces");

    public StepRefused(String message) {
        super(message);
    }

    @Override
    public Throwable fillInStackTrace() {
        return STACK_TRACES ? super.fillInStackTrace() : this;
    }
}
