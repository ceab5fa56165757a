package memcgspec.impl;

/**
 * A protocol's own per-CPU state (the page-cache index an insertion works on, the swap slot a
 * reclaim or a swap-in works on), kept on its {@link Cpu} beside the core fields every protocol
 * shares. A protocol's step class is its part: {@code ChargeSteps.of(cpu)} finds or makes it.
 */
public interface CpuPart {
    /** A copy of this part for the same CPU of another machine (see {@link Mm#copy}). */
    CpuPart copyFor(Cpu target);
}
