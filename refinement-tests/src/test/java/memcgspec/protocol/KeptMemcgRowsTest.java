package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import memcgspec.impl.PageCounter;
import memcgspec.impl.StepRefused;
import memcgspec.registry.Protocols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The incremental checks keep every memcg's snapshot rows ({@link ProtocolPart#memcgRow}) across
 * the steps of a run and read again only those of the memcgs a step wrote (the machine's write
 * log): on every setup of every protocol, after every random step, each kept row equals the row
 * read afresh, and a refused step passes their comparison; a refused step that writes a memcg
 * fails it. The rows do change during the runs, and with the write log lost a kept row goes stale
 * and a memcg's change goes unseen: the comparisons above would see it.
 */
class KeptMemcgRowsTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("memcgspec.protocol.CensusRowSumsTest#setups")
    void keptRowsEqualTheRowsReadNowAfterEveryStep(Protocol p, Protocol.Setup setup) {
        ProtocolWorkload w = new ProtocolWorkload(p, setup);
        int changed = 0;
        for (int run = 0; run < 1; run++) {
            Machine m = w.create();
            IncrementalChecks checks = new IncrementalChecks(p, m);
            Random r = new Random(41 + run);
            int n = m.mm().config().nMemcg() + 1;
            long[][] last = rows(checks, n);
            for (int k = 0; k < 200; k++) {
                Object before = checks.before();
                var step = w.randomStep(m, r);
                try {
                    step.apply(m);
                } catch (StepRefused refused) {
                    assertTrue(checks.unchanged(before), "a refusal changed the state: " + step.label());
                }
                checks.afterStep();
                String where = p + " " + setup.name() + " run " + run + " after step " + (k + 1) + " " + step.label();
                long[][] now = rows(checks, n);
                for (int id = 0; id < n; id++) assertArrayEquals(now[id], checks.keptMemcgRow(id), "memcg " + id + " " + where);
                if (!Arrays.deepEquals(now, last)) changed++;
                last = now;
            }
        }
        assertTrue(changed > 0, "no memcg row ever changed");
    }

    private static long[][] rows(IncrementalChecks checks, int n) {
        long[][] rows = new long[n][];
        for (int id = 0; id < n; id++) rows[id] = checks.memcgRowNow(id);
        return rows;
    }

    /** A refused step that wrote only a memcg is seen to change the state through the log, and only through it. */
    @Test
    void aRefusalThatWritesAMemcgIsSeen() {
        Protocol p = Protocols.byName("charge").orElseThrow();
        Machine m = new ProtocolWorkload(p, p.setups().get(0)).create();
        IncrementalChecks checks = new IncrementalChecks(p, m);
        Object before = checks.before();
        PageCounter memory = m.mm().memcg(1).memory();
        memory.setMax(memory.max() + 1); // what a lying refusal might do
        assertTrue(!checks.unchanged(before), "a memory.max written by a refused step went unseen");
        checks.afterStep();
        before = checks.before();
        m.mm().track(); // the checks' log no longer sees writes
        memory.setMax(memory.max() - 1);
        assertTrue(checks.unchanged(before), "without the log the incremental checks compare no memcg row");
    }

    /** With the write log replaced behind the checks' back, their kept rows go stale. */
    @Test
    void aLostLogLeavesTheRowsStale() {
        Protocol p = Protocols.byName("swap").orElseThrow();
        ProtocolWorkload w = new ProtocolWorkload(p, p.setups().get(0));
        Machine m = w.create();
        IncrementalChecks checks = new IncrementalChecks(p, m);
        m.mm().track(); // the checks' log no longer sees writes
        Random r = new Random(3);
        for (int k = 0; k < 100; k++) {
            try {
                w.randomStep(m, r).apply(m);
            } catch (StepRefused refused) {
                // nothing changed
            }
            checks.afterStep();
        }
        boolean stale = false;
        for (int id = 0; id <= m.mm().config().nMemcg(); id++) stale |= !Arrays.equals(checks.memcgRowNow(id), checks.keptMemcgRow(id));
        assertTrue(stale, "100 random swap steps wrote no memcg?");
    }
}
