package memcgspec.protocol.uncharge;

import java.util.List;
import java.util.Map;
import memcgspec.impl.Mm;
import memcgspec.protocol.Protocol;

/**
 * The batched uncharge as the registry holds it: spec/UnchargeBatch.tla, held to by
 * {@link UnchargeBatchPart} alone (a protocol of its own, beside Charge's one-page-at-a-time
 * uncharge); its property setups (a wide tree of 8 memcgs with tight limits, so that batches mix
 * memcgs and switch gathers often, and a deep chain where offline and free race the flushes), its
 * random mix, the mutants of UnchargeBatch.tla. docs/uncharge-batch.md is its page.
 */
public final class UnchargeBatchProtocol {
    private UnchargeBatchProtocol() {}

    /** 4 CPUs, 48 folios, root -> {1, 2} -> ... (8 memcgs, fanout 2), memory.max 12 on every non-root memcg. */
    public static Protocol.Setup wide() {
        return new Protocol.Setup("uncharge-wide", new Mm.Config(4, 48, 0, 8, 2, 12), Map.of());
    }

    /** 3 CPUs, 24 folios, chain root -> 1 -> ... -> 6, memory.max 10, the first level 16. */
    public static Protocol.Setup deepChain() {
        return new Protocol.Setup("uncharge-deep-chain", new Mm.Config(3, 24, 0, 6, 1, 10), Map.of(1, 16L));
    }

    /** Idle CPUs mostly fill batches (allocate, charge), sometimes release them; offline and free now and then. */
    static final Protocol.Mix MIX = new Protocol.Mix(40,
            Protocol.Mix.weights("Offline", 25, "Free", 40),
            Protocol.Mix.weights("AllocFolio", 10, "ChargeFolio", 10, "Release", 4));

    public static final Protocol PROTOCOL = new Protocol("uncharge-batch", "UnchargeBatch",
            List.of(UnchargeBatchPart.PART), MIX, List.of(wide(), deepChain()),
            UnchargeBatchMutants.ALL, "uncharge-batch.md");
}
