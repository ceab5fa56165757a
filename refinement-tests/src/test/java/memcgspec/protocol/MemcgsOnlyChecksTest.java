package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.StepRefused;
import memcgspec.props.Workload;
import memcgspec.registry.Protocols;
import org.junit.jupiter.api.Test;

/**
 * The checks of the memcgs alone ({@link Invariant#memcgsOnly}) run, on a census kept across the
 * steps, only after a step that wrote a memcg (the write log says which): a memcg write that
 * breaks one (a memory.max set below the usage: WithinLimit) is reported by the incremental
 * checks word for word as by the full ones; with the write log replaced behind the checks' back
 * the same write goes unseen, so the check does depend on the log to run. Every protocol marks
 * some of its checks so, and none that reads a frame, a CPU or a slot (the lists below).
 */
class MemcgsOnlyChecksTest {

    @Test
    void aLoggedMemcgWriteIsCheckedALostOneIsNot() {
        Protocol p = Protocols.byName("swap").orElseThrow();
        ProtocolWorkload w = new ProtocolWorkload(p, p.setups().get(0));
        for (boolean lose : new boolean[] {false, true}) {
            Machine m = w.create();
            Workload.Checks inc = w.checks(m, true);
            assertEquals(List.of(), inc.full());
            Random r = new Random(3);
            MemCgroup charged = null;
            for (int k = 0; k < 400 && charged == null; k++) {
                Object before = inc.before();
                try {
                    w.randomStep(m, r).apply(m);
                } catch (StepRefused refused) {
                    assertTrue(inc.unchanged(before));
                }
                assertEquals(List.of(), inc.afterStep(), "step " + (k + 1));
                for (MemCgroup g : m.mm().memcgs()) if (!g.isRoot() && g.memory().usage() > 0) charged = g;
            }
            assertTrue(charged != null, "400 random steps charged nothing");
            if (lose) m.mm().track(); // the checks' write log no longer sees writes
            m.mm().setMax(charged.id(), 0);
            List<String> full = p.check(m), incremental = inc.afterStep();
            assertTrue(full.stream().anyMatch(v -> v.startsWith("WithinLimit: ")), full.toString());
            if (lose) assertTrue(incremental.stream().noneMatch(v -> v.startsWith("WithinLimit: ")), "a lost memcg write seen: " + incremental);
            else assertEquals(full, incremental);
        }
    }

    @Test
    void theMarkedChecks() {
        assertEquals(List.of("WithinLimit", "NoUnderflow", "StatsNonNegative"), marked("charge"));
        assertEquals(List.of("WithinLimit", "NoUnderflow", "StatsNonNegative", "SwapWithinLimit", "OfflineOnlyRemovable"), marked("swap"));
        // Migrate.tla's WithinLimit counts the replaced folios (frames): not marked
        assertEquals(List.of("NoUnderflow", "StatsNonNegative", "SwapWithinLimit", "OfflineOnlyRemovable"), marked("migrate"));
        assertEquals(List.of("WithinLimit", "NoUnderflow", "StatsNonNegative", "SwapWithinLimit", "OfflineOnlyRemovable", "ObjcgPointsOnline"), marked("kmem"));
    }

    private static List<String> marked(String protocol) {
        return Protocols.byName(protocol).orElseThrow().invariants().stream().filter(Invariant::memcgsOnly).map(Invariant::name).toList();
    }
}
