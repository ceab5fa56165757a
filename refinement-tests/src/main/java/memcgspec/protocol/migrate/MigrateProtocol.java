package memcgspec.protocol.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memcgspec.impl.Mm;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.swap.SwapProtocol;

/**
 * The migration protocol as the registry holds it: spec/Migrate.tla, held to by Charge's,
 * Swap's and {@link MigratePart} (Migrate.tla INSTANCEs Swap.tla, which INSTANCEs Charge.tla);
 * its property setups for cgroup v1 and v2, its random mix (compaction-like migration sweeps
 * under fault, unmap, truncation, reclaim, swap-in, page-cache replacement and offline traffic),
 * and the mutants of Migrate.tla. docs/migrate.md is its page.
 */
public final class MigrateProtocol {
    private MigrateProtocol() {}

    /** 200 folios, root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}; 4 CPUs, 16 cache indexes, 16 slots; memory.max 8 (less on some). */
    public static Protocol.Setup compaction(int version) {
        return new Protocol.Setup("compaction-v" + version, new Mm.Config(4, 200, 16, 6, 2, 8).withSwap(16, 4, version),
                Map.of(3, 4L, 5, 3L));
    }

    /** 8 CPUs, a chain of 6 memcgs, 300 folios, 32 indexes, 8 slots: many migrations at once. */
    public static Protocol.Setup manyCpus(int version) {
        return new Protocol.Setup("many-cpus-v" + version, new Mm.Config(8, 300, 32, 6, 1, 24).withSwap(8, 8, version),
                Map.of(4, 12L, 6, 5L));
    }

    private static List<Protocol.Setup> setups() {
        List<Protocol.Setup> l = new ArrayList<>();
        for (int ver = 1; ver <= 2; ver++) {
            l.add(compaction(ver));
            l.add(manyCpus(ver));
        }
        return l;
    }

    /**
     * 3% arbitrary steps, 0.6% offline, 1% free; an idle CPU mostly migrates (a quarter of its
     * moves), faults anon and file folios, maps, unmaps and truncates, reclaims and swaps in,
     * replaces page-cache folios and zaps migration entries.
     */
    static final Protocol.Mix MIX = new Protocol.Mix(30, Protocol.Mix.weights("Offline", 6, "Free", 10), Protocol.Mix.weights(
            "AllocAnon", 16, "AllocCache", 10, "Map", 6, "Unmap", 8, "GetPage", 4, "DeleteFromCache", 4,
            "Reclaim", 8, "Swapin", 8, "FreeSwapAndCache", 4, "DeleteFromSwapCache", 3,
            "Migrate", 25, "ZapMigrationEntry", 3, "Replace", 4));

    /** Swap's parts (the same objects: the registry sees that migration is built on swap), then {@link MigratePart}. */
    private static List<memcgspec.protocol.ProtocolPart> parts() {
        List<memcgspec.protocol.ProtocolPart> l = new ArrayList<>(SwapProtocol.PROTOCOL.parts());
        l.add(MigratePart.PART);
        return l;
    }

    public static final Protocol PROTOCOL = new Protocol("migrate", "Migrate",
            parts(), MIX, setups(),
            MigrateMutants.ALL, "migrate.md");
}
