package memcgspec.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.IdSet;
import memcgspec.impl.Cpu;
import memcgspec.impl.Mm;
import memcgspec.props.Call;

/**
 * One protocol's part of a model, for every engine: its actions, its variables, its invariants,
 * and how random runs drive it. A model is a list of parts ({@link Protocol}): Swap is Charge's
 * part and Swap's, as Swap.tla INSTANCEs Charge.tla; a part never subclasses another.
 */
public interface ProtocolPart {
    /** This part's own actions (not those of the parts it builds on). */
    ActionTable actions();

    /** The Java classes whose methods the actions call, each named like its TLA+ action. */
    List<Class<?>> stepClasses();

    /** The machine's shape for a model: this part's hardware added to {@code base}. */
    default Mm.Config configure(Mm.Config base, Map<String, Object> constants, Map<String, Object> initialState) {
        return base;
    }

    /** Adds this part's spec variables, as neutral values, in the spec's declaration order. */
    void abstraction(Machine m, LinkedHashMap<String, Object> vars);

    /** This part's invariants, in its cfg's order; a later part replaces an earlier one's of the same name. */
    List<Invariant> invariants();

    // ---------------------------------------------------------------- random runs

    /**
     * The next step of the path the CPU is on, if its program counter is this part's; null if it
     * is not (or, unless {@code force}, when the CPU must wait for another, e.g. for a folio lock).
     */
    Call<Machine> next(Machine m, Cpu cpu, boolean force);

    /** Now and then another step than {@link #next} for a busy CPU (it may be refused); null for none. */
    default Call<Machine> vary(Machine m, Cpu cpu, Random r) {
        return null;
    }

    /** The moves an idle CPU (or the machine) can start, by name: the mix of a setup weighs them. */
    Map<String, Move> moves();

    /** Once every CPU is idle: the next step that brings the machine to quiescence, or null. */
    default Call<Machine> cleanup(Machine m) {
        return null;
    }

    /** Checks once the drain is over (nothing left, nothing leaked); adds "Name: detail". */
    default void atQuiescence(Machine m, List<String> v) {}

    /** Appends this part's state to a snapshot (compared before and after a refused step). */
    default void snapshot(Machine m, List<Object> out) {
        snapshot(m, out, true);
    }

    /**
     * Appends this part's state to a snapshot; without its per-frame rows (the fields of each
     * folio or kmem page) and its per-memcg rows ({@link #memcgRow}) when {@code frames} is false:
     * the incremental property engine compares those only for the frames and memcgs a step wrote
     * ({@link Census#touchedUnchanged}, {@link IncrementalChecks}).
     */
    void snapshot(Machine m, List<Object> out, boolean frames);

    /** How many values {@link #memcgRow} writes for each memcg (0: this part keeps nothing per memcg). */
    default int memcgRowWidth() {
        return 0;
    }

    /**
     * Writes this part's snapshot of memcg {@code id} (its fields, its counters', those of the
     * objcg of the same id: what {@link memcgspec.impl.Touches} logs as a write of the memcg) into
     * {@code a} from {@code k}; returns the index after the last value written.
     */
    default int memcgRow(Mm mm, int id, long[] a, int k) {
        return k;
    }

    /**
     * Adds (by id) to the given sets the folios and kmem pages that this part's state other than the frames' own
     * fields refers to (the folio a CPU holds, a page-cache entry, ...): the per-frame invariants
     * read that state as the frame's context, so a frame it refers to before or after a step is
     * checked again although the step did not write it ({@link Census#refresh}).
     */
    default void pinned(Machine m, IdSet folios, IdSet kpages) {}

    /** This part's state as named values, for the "changes" column of a trace. */
    void view(Machine m, Map<String, String> out);

    /** A random move: picks its parameters (likely enabled ones) for CPU {@code c}. */
    @FunctionalInterface
    interface Move {
        Call<Machine> pick(Machine m, int c, Random r);
    }
}
