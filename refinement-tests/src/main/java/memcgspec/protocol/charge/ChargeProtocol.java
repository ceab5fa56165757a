package memcgspec.protocol.charge;

import java.util.List;
import java.util.Map;
import memcgspec.impl.Mm;
import memcgspec.protocol.Protocol;

/**
 * The charge protocol as the registry holds it: spec/Charge.tla, held to by {@link ChargePart};
 * its property setups, its random mix, and the mutants of Charge.tla that show its properties
 * bite. docs/charge.md is its page.
 */
public final class ChargeProtocol {
    private ChargeProtocol() {}

    /**
     * The default: 200 folios, 3 levels (root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}), 4 CPUs, 16 cache
     * indexes, and tight limits (a few tens of pages for 200 folios, less on some leaves), so that
     * charges fail often at every level.
     */
    public static final Protocol.Setup TIGHT =
            new Protocol.Setup("tight", new Mm.Config(4, 200, 16, 6, 2, 20), Map.of(2, 12L, 3, 6L, 5, 4L, 6, 8L));

    /** A chain root -> 1 -> ... -> 8 (fanout 1): a charge walks 9 counters. */
    public static final Protocol.Setup DEEP_CHAIN =
            new Protocol.Setup("deep-chain", new Mm.Config(4, 200, 16, 8, 1, 30), Map.of(3, 18L, 6, 10L, 8, 5L));

    /** 12 CPUs interleaving, a wider hierarchy, more cache. */
    public static final Protocol.Setup MANY_CPUS =
            new Protocol.Setup("many-cpus", new Mm.Config(12, 256, 32, 12, 3, 14), Map.of(1, 10L, 4, 4L, 7, 3L, 12, 3L));

    /** Faults and insertions, mapping, unmapping, PFN walkers, truncation; 4% arbitrary steps. */
    static final Protocol.Mix MIX = new Protocol.Mix(40, Map.of(), Protocol.Mix.weights(
            "AllocAnon", 36, "AllocCache", 18, "Map", 10, "Unmap", 16, "GetPage", 8, "DeleteFromCache", 12));

    /** The mutants of Charge.tla (the museum's races re-introduced, plausible bugs): {@link ChargeMutants}. */
    static final List<Protocol.Mutant> MUTANTS = ChargeMutants.ALL;

    public static final Protocol PROTOCOL = new Protocol("charge", "Charge", List.of(ChargePart.PART), MIX,
            List.of(TIGHT, DEEP_CHAIN, MANY_CPUS), MUTANTS, "charge.md");
}
