package memcgspec.protocol.swap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.charge.ChargePart;

/**
 * The swap protocol as the registry holds it: spec/Swap.tla, held to by Charge's part and
 * {@link SwapPart} (Swap.tla INSTANCEs Charge.tla); its property setups for cgroup v1 and v2, its
 * random mix (reclaim and swap-in dominate, page-cache traffic is light, memcgs go offline), and
 * the mutants of Swap.tla that show its properties bite. docs/swap.md is its page.
 */
public final class SwapProtocol {
    private SwapProtocol() {}

    /**
     * 200 folios, 3 levels (root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}), 4 CPUs, 8 cache indexes, 16 slots;
     * memory.max 10 (less on some memcgs), swap.max 2 on the second level (the first is unlimited).
     */
    public static Protocol.Setup tight(int version) {
        return new Protocol.Setup("tight-v" + version, new Mm.Config(4, 200, 8, 6, 2, 10).withSwap(16, 2, version),
                Map.of(2, 8L, 3, 5L, 5, 3L, 6, 6L));
    }

    /** A chain root -> 1 -> ... -> 8; 16 slots, swap.max 5 from memcg 2 down: the chain's total below 1 is bounded by memcg 2's. */
    public static Protocol.Setup deepChain(int version) {
        return new Protocol.Setup("deep-chain-v" + version, new Mm.Config(4, 200, 8, 8, 1, 14).withSwap(16, 5, version),
                Map.of(3, 10L, 6, 6L, 8, 3L));
    }

    /** 12 CPUs, 12 memcgs of fanout 3, 256 folios, 24 slots, swap.max 1 on the second level. */
    public static Protocol.Setup manyCpus(int version) {
        return new Protocol.Setup("many-cpus-v" + version, new Mm.Config(12, 256, 16, 12, 3, 10).withSwap(24, 1, version),
                Map.of(1, 8L, 4, 4L, 7, 3L, 12, 3L));
    }

    private static List<Protocol.Setup> setups() {
        List<Protocol.Setup> l = new ArrayList<>();
        for (int ver = 1; ver <= 2; ver++) {
            l.add(tight(ver));
            l.add(deepChain(ver));
            l.add(manyCpus(ver));
        }
        return l;
    }

    /**
     * 3% arbitrary steps, 0.6% offline, 1% free; an idle CPU mostly faults anon memory, reclaims it
     * and swaps it back in, with light page-cache traffic.
     */
    static final Protocol.Mix MIX = new Protocol.Mix(30, Protocol.Mix.weights("Offline", 6, "Free", 10), Protocol.Mix.weights(
            "AllocAnon", 28, "AllocCache", 3, "Map", 5, "Unmap", 6, "GetPage", 3, "DeleteFromCache", 2,
            "Reclaim", 19, "Swapin", 22, "FreeSwapAndCache", 7, "DeleteFromSwapCache", 5));

    /** The mutants of Swap.tla (the museum's races re-introduced, plausible bugs): {@link SwapMutants}. */
    static final List<Protocol.Mutant> MUTANTS = SwapMutants.ALL;

    /** Swap.tla's statistics: Charge.tla's and swapcached. */
    public static final List<MemCgroup.Stat> STATS = List.of(MemCgroup.Stat.ANON, MemCgroup.Stat.FILE, MemCgroup.Stat.FILE_MAPPED,
            MemCgroup.Stat.SWAPCACHED);

    public static final Protocol PROTOCOL = new Protocol("swap", "Swap", List.of(ChargePart.withStats(STATS), SwapPart.PART), MIX,
            setups(), MUTANTS, "swap.md");
}
