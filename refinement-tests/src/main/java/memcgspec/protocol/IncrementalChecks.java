package memcgspec.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import memcgspec.impl.IdSet;
import memcgspec.impl.Touches;
import memcgspec.props.Workload;

/**
 * A protocol's checks of one property run, incremental ({@link ProtocolWorkload#checks}): the
 * machine logs the frames (folios, kmem pages) and the memcgs each step writes ({@link Touches}),
 * and
 *
 * <ul>
 * <li>the census is kept across steps: after a step only the rows of the frames written are read
 * again, and the per-frame invariants visit those frames and the ones the parts' other state
 * refers to before or after the step ({@link ProtocolPart#pinned}); the rest of every invariant
 * (the per-memcg, per-CPU and per-slot checks, the tallies summed over every frame's row) runs
 * whole after every step;</li>
 * <li>around a refused step, the parts' snapshots without their per-frame and per-memcg rows are
 * compared whole, the frames the step wrote with their census rows and the memcgs it wrote with
 * their rows kept from the last check ({@link ProtocolPart#memcgRow}, read again after a step for
 * the memcgs it wrote): a change detector that copies no frame and reads no memcg it need not.</li>
 * </ul>
 *
 * <p>Why this is exact: a per-frame invariant is a condition on one frame's fields and on its
 * context (the state that refers to it: a CPU holding it, a page-cache or swap-cache entry, a CPU
 * charging a kmem page). A frame that the step did not write and that no context refers to, before
 * or after the step, has the same fields and the same (empty) context as at the previous check,
 * which it passed. Every other check runs whole. A memcg the step did not write has the row it had
 * at the last check (every write of a memcg's fields, counters or objcg is logged). {@link #full}
 * takes a whole census.
 */
final class IncrementalChecks implements Workload.Checks {
    private final Protocol protocol;
    private final Machine m;
    private final Touches touches;
    private Census census;
    /** The frames the parts' state referred to at the last check; two spare sets. */
    private IdSet pinnedFolios, pinnedKpages, spareFolios, spareKpages;
    /** By memcg id: the parts' rows of it ({@link ProtocolPart#memcgRow}) at the last check; a row read now, to compare. */
    private long[][] memcgRows;
    private long[] scratchRow;

    IncrementalChecks(Protocol protocol, Machine m) {
        this.protocol = protocol;
        this.m = m;
        this.touches = m.mm().track();
        wholeCensus();
    }

    private void wholeCensus() {
        census = new Census(m);
        touches.clear();
        pinnedFolios = new IdSet(m.mm().config().folios());
        pinnedKpages = new IdSet(m.mm().config().kmemPages());
        spareFolios = new IdSet(pinnedFolios.bound());
        spareKpages = new IdSet(pinnedKpages.bound());
        for (ProtocolPart p : protocol.parts()) p.pinned(m, pinnedFolios, pinnedKpages);
        int width = 0;
        for (ProtocolPart p : protocol.parts()) width += p.memcgRowWidth();
        memcgRows = new long[m.mm().config().nMemcg() + 1][width];
        scratchRow = new long[width];
        for (int id = 0; id < memcgRows.length; id++) memcgRow(id, memcgRows[id]);
    }

    /** Every part's row of memcg {@code id}, into {@code row}. */
    private void memcgRow(int id, long[] row) {
        int k = 0;
        for (ProtocolPart p : protocol.parts()) k = p.memcgRow(m.mm(), id, row, k);
    }

    /** The kept row of memcg {@code id} (for tests: it equals one read now after every check). */
    long[] keptMemcgRow(int id) {
        return memcgRows[id].clone();
    }

    /** The row of memcg {@code id} read now (for tests). */
    long[] memcgRowNow(int id) {
        long[] row = new long[scratchRow.length];
        memcgRow(id, row);
        return row;
    }

    /** How many values the last {@link #rest} held: the next one's list is made that large. */
    private int restSize = 16;

    private Object rest() {
        List<Object> out = new ArrayList<>(restSize);
        for (ProtocolPart p : protocol.parts()) p.snapshot(m, out, false);
        restSize = Math.max(restSize, out.size());
        return out.toArray();
    }

    @Override
    public Object before() {
        return rest();
    }

    @Override
    public boolean unchanged(Object before) {
        return Objects.deepEquals(before, rest()) && census.touchedUnchanged(touches) && memcgsUnchanged();
    }

    /** Whether every memcg the step wrote has the row kept at the last check (the others were not written). */
    private boolean memcgsUnchanged() {
        for (int k = 0; k < touches.memcgCount(); k++) {
            int id = touches.memcg(k);
            memcgRow(id, scratchRow);
            if (!Arrays.equals(scratchRow, memcgRows[id])) return false;
        }
        return true;
    }

    @Override
    public List<String> afterStep() {
        IdSet folios = spareFolios, kpages = spareKpages;
        folios.clear();
        kpages.clear();
        for (ProtocolPart p : protocol.parts()) p.pinned(m, folios, kpages);
        // the frames referred to before the step (the last pins) or after it
        for (int k = 0; k < folios.size(); k++) pinnedFolios.add(folios.get(k));
        for (int k = 0; k < kpages.size(); k++) pinnedKpages.add(kpages.get(k));
        census.refresh(touches, pinnedFolios, pinnedKpages);
        for (int k = 0; k < touches.memcgCount(); k++) {
            int id = touches.memcg(k);
            memcgRow(id, memcgRows[id]);
        }
        touches.clear();
        spareFolios = pinnedFolios;
        spareKpages = pinnedKpages;
        pinnedFolios = folios;
        pinnedKpages = kpages;
        return protocol.check(census);
    }

    @Override
    public List<String> full() {
        wholeCensus();
        return protocol.check(census);
    }
}
