package memcgspec.protocol.kmem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memcgspec.impl.Mm;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolPart;
import memcgspec.protocol.swap.SwapProtocol;

/**
 * The kmem protocol as the registry holds it: spec/Kmem.tla, held to by Charge's, Swap's and
 * {@link KmemPart} (Kmem.tla INSTANCEs Swap.tla, which INSTANCEs Charge.tla); its property setups
 * for cgroup v1 and v2 (hundreds of kmem pages, hierarchies whose subtrees go offline and are
 * freed while kmem charges are in flight), its random mix, and the mutants of Kmem.tla.
 * docs/kmem.md is its page.
 */
public final class KmemProtocol {
    private KmemProtocol() {}

    /**
     * 4 CPUs, root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}, ... 14 memcgs, 64 folios, 400 kmem pages,
     * memory.max 160 (room for hundreds of kmem pages at once), less on some subtrees (14, 10, 5).
     */
    public static Protocol.Setup subtrees(int version) {
        return new Protocol.Setup("subtrees-v" + version, new Mm.Config(4, 64, 8, 14, 2, 160).withSwap(8, 8, version).withKmem(400),
                Map.of(3, 14L, 6, 10L, 9, 5L));
    }

    /**
     * 8 CPUs, a chain of 10 memcgs (2..10 removable), 32 folios, 300 kmem pages: reparenting through
     * many levels; memory.max 250, 30 from memcg 5 down and 8 from memcg 9 down.
     */
    public static Protocol.Setup deepChain(int version) {
        return new Protocol.Setup("deep-chain-v" + version, new Mm.Config(8, 32, 4, 10, 1, 250).withSwap(4, 4, version).withKmem(300),
                Map.of(5, 30L, 9, 8L));
    }

    private static List<Protocol.Setup> setups() {
        List<Protocol.Setup> l = new ArrayList<>();
        for (int ver = 1; ver <= 2; ver++) {
            l.add(subtrees(ver));
            l.add(deepChain(ver));
        }
        return l;
    }

    /**
     * 3% arbitrary steps, 1% offline, 1.5% free; an idle CPU mostly allocates and frees kmem
     * pages (two thirds of its moves, allocations about twice as often, so that pages pile up),
     * and faults, maps, unmaps, reclaims and swaps in user pages.
     */
    public static final Protocol.Mix MIX = new Protocol.Mix(30, Protocol.Mix.weights("Offline", 10, "Free", 15), Protocol.Mix.weights(
            "AllocAnon", 8, "AllocCache", 4, "Map", 3, "Unmap", 5, "GetPage", 2, "DeleteFromCache", 3,
            "Reclaim", 4, "Swapin", 4, "FreeSwapAndCache", 3, "DeleteFromSwapCache", 2,
            "KmemAlloc", 46, "KmemFree", 24));

    /** Swap's parts (the same objects: the registry sees that kmem is built on swap), then {@link KmemPart}. */
    private static List<ProtocolPart> parts() {
        List<ProtocolPart> l = new ArrayList<>(SwapProtocol.PROTOCOL.parts());
        l.add(KmemPart.PART);
        return l;
    }

    public static final Protocol PROTOCOL = new Protocol("kmem", "Kmem",
            parts(), MIX, setups(),
            KmemMutants.ALL, "kmem.md");
}
