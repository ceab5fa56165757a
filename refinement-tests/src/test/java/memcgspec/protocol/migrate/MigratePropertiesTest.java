package memcgspec.protocol.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import org.junit.jupiter.api.Test;

/**
 * The Migrate invariants (spec/Migrate.tla: {@link MigrateInvariants} with the swap and charge
 * invariants it reuses) after every step of random runs of the Java implementation at sizes TLC
 * cannot reach: compaction-like sweeps (a quarter of the idle moves isolate and migrate a folio)
 * over 200 and 300 folios under fault, unmap, truncation, reclaim, swap-in, page-cache replacement
 * and memcg offline traffic, 4 and 8 CPUs, cgroup v1 and v2; then after draining each run to
 * quiescence. Tries and depth: {@code -Dprops.tries=... -Dprops.depth=...} (the CI default 200 x
 * 400, half the tries per setup here); replay a failure with
 * {@code -Dprops.seed=...}.
 */
class MigratePropertiesTest {

    /** Actions only cgroup v1 has. */
    private static final Set<String> V1_ONLY = Set.of("SwapinUnchargeSwap");

    private static void run(Protocol.Setup setup) {
        PropertyEngine.Settings s = PropertyEngine.Settings.fromSystemProperties(200, 400);
        s = s.withTries(Math.max(1, s.tries() / 2));
        PropertyEngine.Stats st = PropertyEngine.run(setup.name(), new ProtocolWorkload(MigrateProtocol.PROTOCOL, setup), s);
        System.out.println(st.summary());
        assertEquals((long) s.tries() * s.depth(), st.steps(), "steps run");
        assertTrue(st.refused() < st.steps() / 2, "more than half the steps refused: the generator is off: " + st.summary());
        long migrated = st.ran("RemoveMigrationPtes");
        System.out.printf("props(%s): %.0f steps/s; %d isolated, %d migrated, %d moves failed (EAGAIN) and undone, %d freed under"
                        + " migration, %d without a free folio, %d migration entries zapped, %d page-cache folios replaced%n",
                setup.name(), st.stepsPerSecond(), st.ran("MigrateIsolate"), migrated, st.outcome("MigrateMove=EAGAIN"),
                st.ran("MigrateSrcFreed"), st.ran("MigrateAllocFail"), st.ran("ZapMigrationEntry"), st.ran("ReplacePageCacheFolio"));
        if (st.steps() < 10_000) return;
        for (String action : MigrateProtocol.PROTOCOL.actions().actions().keySet()) {
            if (setup.mm().version() == 2 && V1_ONLY.contains(action)) continue;
            // MigrateAllocFail needs every folio in use (the CI models reach it); SwapcacheFree a failed
            // swap-in charge, which these migration-heavy mixes reach in some seeds only
            // (SwapPropertiesTest's setups require it).
            if (action.equals("MigrateAllocFail") || action.equals("SwapcacheFree")) continue;
            assertTrue(st.ran(action) > 0, "the property run never ran " + action + ": " + st.summary());
        }
        // Migration really sweeps: many folios move per run, some moves fail and are undone.
        assertTrue(migrated >= s.tries() * 5L, "too few migrations: " + migrated);
        assertTrue(st.outcome("MigrateMove=EAGAIN") > 0, "no move failed on an unexpected reference");
        assertTrue(st.ran("MigrateSrcFreed") > 0, "no folio was freed under migration");
    }

    @Test
    void compactionV1() {
        run(MigrateProtocol.compaction(1));
    }

    @Test
    void compactionV2() {
        run(MigrateProtocol.compaction(2));
    }

    @Test
    void manyCpusV1() {
        run(MigrateProtocol.manyCpus(1));
    }

    @Test
    void manyCpusV2() {
        run(MigrateProtocol.manyCpus(2));
    }
}
