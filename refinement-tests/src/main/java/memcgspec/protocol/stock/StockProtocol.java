package memcgspec.protocol.stock;

import java.util.ArrayList;
import java.util.List;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolPart;
import memcgspec.protocol.charge.ChargePart;
import memcgspec.protocol.kmem.KmemPart;
import memcgspec.protocol.kmem.KmemProtocol;
import memcgspec.protocol.swap.SwapPart;
import memcgspec.protocol.swap.SwapProtocol;

/**
 * The stock protocol as the registry holds it: spec/Stock.tla, held to by Charge's, Swap's and
 * Kmem's parts (Kmem's without the charge and uncharge the stock replaces) and {@link StockPart};
 * its property setups (Kmem's machines with a per-CPU stock: a kernel-like one, batch 8 and 3
 * slots, and a cramped one, batch 4 and 1 slot, which evicts on every other refill), its random
 * mix, and the mutants of Stock.tla. docs/stock.md is its page.
 */
public final class StockProtocol {
    private StockProtocol() {}

    /** {@link KmemProtocol#subtrees} with a stock of batch 8, 3 slots per CPU. */
    public static Protocol.Setup subtrees(int version) {
        Protocol.Setup s = KmemProtocol.subtrees(version);
        return new Protocol.Setup("stock-subtrees-v" + version, s.mm().withStock(8, 3), s.maxes());
    }

    /** {@link KmemProtocol#deepChain} with a stock of batch 4, ONE slot per CPU (a refill for another memcg evicts). */
    public static Protocol.Setup deepChain(int version) {
        Protocol.Setup s = KmemProtocol.deepChain(version);
        return new Protocol.Setup("stock-deep-chain-v" + version, s.mm().withStock(4, 1), s.maxes());
    }

    private static List<Protocol.Setup> setups() {
        List<Protocol.Setup> l = new ArrayList<>();
        for (int ver = 1; ver <= 2; ver++) {
            l.add(subtrees(ver));
            l.add(deepChain(ver));
        }
        return l;
    }

    /** Kmem's mix, and now and then the drain work queued on an idle CPU. */
    static final Protocol.Mix MIX = withDrainWork(KmemProtocol.MIX);

    private static Protocol.Mix withDrainWork(Protocol.Mix kmem) {
        java.util.Map<String, Integer> idle = new java.util.LinkedHashMap<>(kmem.idle());
        idle.put("DrainStockWork", 6);
        return new Protocol.Mix(kmem.arbitraryPermille(), kmem.machine(), idle);
    }

    /** Swap's parts and Kmem's under the stock (their charges are the stock's), then {@link StockPart}. */
    private static List<ProtocolPart> parts() {
        List<ProtocolPart> l = new ArrayList<>();
        l.add(ChargePart.withStats(SwapProtocol.STATS).underStock());
        l.add(SwapPart.UNDER_STOCK);
        l.add(KmemPart.UNDER_STOCK);
        l.add(StockPart.PART);
        return l;
    }

    public static final Protocol PROTOCOL = new Protocol("stock", "Stock",
            parts(), MIX, setups(),
            StockMutants.ALL, "stock.md");
}
