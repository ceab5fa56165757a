package memcgspec.protocol.uncharge;

import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Pc;
import memcgspec.impl.UnchargeGather;
import memcgspec.impl.uncharge.UnchargeBatchSteps;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;

/**
 * The invariants of spec/UnchargeBatch.tla, evaluated on the Java machine under the same names, in
 * UnchargeBatch.cfg's order: the properties Conservation, NoCounterWriteAfterFree, CssRefBalance,
 * NothingFreedReferenced, NothingGatheredAtQuiescence, and the lemmas WithinLimit, NoUnderflow,
 * Hierarchy, GatherPinsDying.
 */
public final class UnchargeBatchInvariants {
    private UnchargeBatchInvariants() {}

    private static UnchargeGather ug(Cpu c) {
        return UnchargeBatchSteps.of(c).gather();
    }

    /** Pages gathered for memcg m's subtree, not yet uncharged. */
    private static long gathered(Census c, MemCgroup m) {
        long n = 0;
        for (Cpu cpu : c.cpus()) {
            MemCgroup g = ug(cpu).memcg();
            if (g != null && m.isAncestorOf(g)) n += ug(cpu).nrMemory();
        }
        return n;
    }

    /** Conservation: a counter is the pages owned in its subtree plus the pages gathered for it. */
    static void conservation(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            long owned = 0;
            for (Folio f : c.folios()) if (f.memcg() != null && m.isAncestorOf(f.memcg())) owned++;
            long g = gathered(c, m);
            if (m.memory().usage() != owned + g) v.accept(m.memory() + ": " + owned + " pages owned in the subtree + " + g + " gathered");
        }
    }

    /** NoCounterWriteAfterFree: no gather wrote a freed memcg's counters. */
    static void noCounterWriteAfterFree(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) if (ug(cpu).freedWrites() != 0) v.accept(cpu + "'s gather wrote the counters of a freed memcg " + ug(cpu).freedWrites() + " times");
    }

    /** CssRefBalance: base and id references while online, one per charged folio, per gather, per live child. */
    static void cssRefBalance(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            long holders = m.online() ? 2 : 0;
            for (Folio f : c.folios()) if (f.memcg() == m) holders++;
            for (Cpu cpu : c.cpus()) if (ug(cpu).memcg() == m) holders++;
            for (MemCgroup d : m.children()) if (d.state() != MemCgroup.State.FREED) holders++;
            if (m.cssRefs() != holders) v.accept(m + ": css " + m.cssRefs() + ", holders " + holders);
        }
    }

    /** NothingFreedReferenced: no folio, gather or live child names a freed memcg. */
    static void nothingFreedReferenced(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            if (m.state() != MemCgroup.State.FREED) continue;
            for (Folio f : c.folios()) if (f.memcg() == m) v.accept(f + " is charged to freed " + m);
            for (Cpu cpu : c.cpus()) if (ug(cpu).memcg() == m) v.accept(cpu + "'s gather names freed " + m);
            for (MemCgroup d : m.children()) if (d.state() != MemCgroup.State.FREED) v.accept("freed " + m + " has child " + d);
        }
    }

    /** NothingGatheredAtQuiescence: when every CPU is idle, every gather is clear. */
    static void nothingGatheredAtQuiescence(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) if (cpu.pc() != Pc.IDLE) return;
        for (Cpu cpu : c.cpus()) if (ug(cpu).memcg() != null || ug(cpu).nrMemory() != 0) v.accept(cpu + " is idle with " + ug(cpu));
    }

    /** WithinLimit (lemma): every counter within its max. */
    static void withinLimit(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) if (m.memory().usage() > m.memory().max()) v.accept(m.memory() + " over its max");
    }

    /** NoUnderflow (lemma): no counter went below zero (page_counter_uncharge clamps and counts it). */
    static void noUnderflow(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) if (m.memory().usage() < 0 || m.memory().underflows() != 0) v.accept(m.memory() + " underflowed " + m.memory().underflows() + " times");
    }

    /** Hierarchy (lemma): a counter is at least its children's together. */
    static void hierarchy(Census c, Consumer<String> v) {
        for (MemCgroup m : c.memcgs()) {
            long kids = 0;
            for (MemCgroup d : m.children()) kids += d.memory().usage();
            if (m.memory().usage() < kids) v.accept(m.memory() + " below its children's " + kids);
        }
    }

    /** GatherPinsDying (lemma): a gather's memcg keeps a css reference. */
    static void gatherPinsDying(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            MemCgroup g = ug(cpu).memcg();
            if (g != null && g.cssRefs() <= 0) v.accept(cpu + "'s gather names " + g + " with no css reference");
        }
    }

    static final List<Invariant> ALL = List.of(
            Invariant.of("Conservation", UnchargeBatchInvariants::conservation),
            Invariant.of("NoCounterWriteAfterFree", UnchargeBatchInvariants::noCounterWriteAfterFree),
            Invariant.of("CssRefBalance", UnchargeBatchInvariants::cssRefBalance),
            Invariant.of("NothingFreedReferenced", UnchargeBatchInvariants::nothingFreedReferenced),
            Invariant.of("NothingGatheredAtQuiescence", UnchargeBatchInvariants::nothingGatheredAtQuiescence),
            Invariant.of("WithinLimit", UnchargeBatchInvariants::withinLimit),
            Invariant.of("NoUnderflow", UnchargeBatchInvariants::noUnderflow),
            Invariant.of("Hierarchy", UnchargeBatchInvariants::hierarchy),
            Invariant.of("GatherPinsDying", UnchargeBatchInvariants::gatherPinsDying));
}
