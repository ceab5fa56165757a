package memcgspec.protocol.stock;

import java.util.List;
import java.util.function.Consumer;
import memcgspec.impl.Cpu;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.MemcgStock;
import memcgspec.impl.Mm;
import memcgspec.protocol.Census;
import memcgspec.protocol.Invariant;
import memcgspec.protocol.kmem.KmemInvariants;
import memcgspec.protocol.swap.SwapInvariants;

/**
 * The invariants spec/Stock.tla adds, evaluated on the Java machine under the same names:
 * SlotBound, SlotCount, StockedOnlyCached, NothingFreedReferenced restated (no slot caches a
 * freed memcg), and the lemmas SlackBound and StockPinsDying; and DistinctSlots (Java only: a memcg is in at most one slot of a CPU, which the
 * spec's representation, a slot named by its memcg, cannot break). Stock.tla's restatements of
 * Kmem.tla's Conservation, Hierarchy, CssRefBalance and NoLeakAtQuiescence are
 * {@link memcgspec.protocol.kmem.KmemInvariants}', which count the stocks' pages and references.
 */
public final class StockInvariants {
    private StockInvariants() {}

    /** SlotBound: a slot holds at most the batch. */
    static void slotBound(Census c, Consumer<String> v) {
        int batch = c.machine().mm().config().stockBatch();
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            for (int i = 0; i < st.slots(); i++) if (st.slotPages(i) > batch) v.accept(cpu + "'s " + st + ": slot " + i + " holds more than " + batch);
        }
    }

    /** SlotCount: at most NR_MEMCG_STOCK memcgs per CPU (in Java, the array's length: cached memcgs never exceed it). */
    static void slotCount(Census c, Consumer<String> v) {
        int n = c.machine().mm().config().stockSlots();
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            int cached = 0; // cachedMemcgs().size(), without the list
            for (int i = 0; i < st.slots(); i++) if (st.slotMemcg(i) != null) cached++;
            if (cached > n) v.accept(cpu + "'s " + st + " caches more than " + n + " memcgs");
        }
    }

    /** StockedOnlyCached: an empty slot holds no page. */
    static void stockedOnlyCached(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            for (int i = 0; i < st.slots(); i++) {
                if (st.slotMemcg(i) == null && st.slotPages(i) != 0) v.accept(cpu + "'s " + st + ": empty slot " + i + " holds " + st.slotPages(i) + " pages");
            }
        }
    }

    /** Java only: no memcg in two slots of one CPU. */
    static void distinctSlots(Census c, Consumer<String> v) {
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            boolean twice = false;
            for (int i = 0; i < st.slots() && !twice; i++) {
                MemCgroup m = st.slotMemcg(i);
                for (int j = i + 1; m != null && j < st.slots() && !twice; j++) twice = st.slotMemcg(j) == m;
            }
            if (twice) v.accept(cpu + "'s " + MemcgStock.of(cpu) + " caches a memcg twice");
        }
    }

    /** SlackBound: the pages stocked for a subtree are at most batch x slots x CPUs. */
    static void slackBound(Census c, Consumer<String> v) {
        Mm mm = c.machine().mm();
        long bound = (long) mm.config().stockBatch() * mm.config().stockSlots() * mm.cpus().size();
        long total = 0;
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            for (int i = 0; i < st.slots(); i++) total += st.slotPages(i);
        }
        // the root's subtree holds every stocked page: the largest of the sums
        if (total > bound) v.accept(total + " pages stocked, more than " + bound);
    }

    /** NothingFreedReferenced: Kmem.tla's, and no slot caches a freed memcg. */
    static void nothingFreedReferenced(Census c, Consumer<String> v) {
        KmemInvariants.nothingFreedReferenced(c, v);
        for (Cpu cpu : c.cpus()) {
            MemcgStock st = MemcgStock.of(cpu);
            // each cached memcg in slot order (cachedMemcgs() without its list)
            for (int i = 0; i < st.slots(); i++) {
                MemCgroup m = st.slotMemcg(i);
                if (m != null && m.state() == MemCgroup.State.FREED) v.accept(cpu + "'s stock caches freed " + m);
            }
        }
    }

    /**
     * StockPinsDying: once every CPU is idle with no user page or swap entry left, an offline
     * memcg's css count is its stock slots and its children not yet freed.
     */
    static void stockPinsDying(Census c, Consumer<String> v) {
        if (!SwapInvariants.quiescent(c)) return;
        for (MemCgroup m : c.memcgs()) {
            if (m.state() != MemCgroup.State.OFFLINE) continue;
            long want = MemcgStock.slotRefs(c.machine().mm(), m);
            for (MemCgroup d : m.children()) if (d.state() != MemCgroup.State.FREED) want++;
            if (m.cssRefs() != want) v.accept("dying " + m + " has " + m.cssRefs() + " css references at quiescence, but " + want + " stock slots and live children");
        }
    }

    public static final List<Invariant> ALL = List.of(
            Invariant.of("SlotBound", StockInvariants::slotBound),
            Invariant.of("SlotCount", StockInvariants::slotCount),
            Invariant.of("StockedOnlyCached", StockInvariants::stockedOnlyCached),
            Invariant.of("SlackBound", StockInvariants::slackBound),
            Invariant.of("NothingFreedReferenced", StockInvariants::nothingFreedReferenced),
            Invariant.of("StockPinsDying", StockInvariants::stockPinsDying),
            Invariant.javaOnly("DistinctSlots", StockInvariants::distinctSlots));
}
