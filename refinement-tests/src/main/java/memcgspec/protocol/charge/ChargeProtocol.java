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

    /** Plausible bugs re-introduced into Charge.tla, each with the check that must catch it. */
    static final List<Protocol.Mutant> MUTANTS = List.of(
    // The 2009 protocol: uncharge at unmap when the last mapping goes; the final put uncharges again.
            new Protocol.Mutant("Charge", "uncharge-at-unmap",
                    "    /\\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n    /\\ held' = [held EXCEPT ![c] = p]\n    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache, usage>>",
                    "    /\\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n    /\\ held' = [held EXCEPT ![c] = p]\n    /\\ usage' = IF mapcount[p] = 1 /\\ owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage\n    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache>>",
                    "INVARIANT Conservation", "Conservation"),
            // A cancel that forgets to give the charge back: the reservation leaks.
            new Protocol.Mutant("Charge", "cancel-leaks",
                    "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                    "    /\\ usage' = usage\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                    "INVARIANT NoLeakAtQuiescence", "NoLeakAtQuiescence"),
            // try_charge that ignores max (a forced charge everywhere).
            new Protocol.Mutant("Charge", "charge-ignores-max",
                    "    /\\ IF PC!CanCharge(usage, chargeTo[c], 1)",
                    "    /\\ IF TRUE",
                    "INVARIANT WithinLimit", "WithinLimit"),
            // The final put forgets to clear the owner: a freed page keeps its memcg.
            new Protocol.Mutant("Charge", "free-keeps-owner",
                    "          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n          /\\ refcount' = [refcount EXCEPT ![p] = 0]",
                    "          /\\ owner' = owner\n          /\\ refcount' = [refcount EXCEPT ![p] = 0]",
                    "INVARIANT OwnedPagesLive", "OwnedPagesLive"),
            // A commit that also uncharges: invisible to no invariant listed here, caught by the refinement.
            new Protocol.Mutant("Charge", "commit-uncharges",
                    "    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>",
                    "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache>>",
                    "PROPERTY Refinement", "Refinement")
    );

    public static final Protocol PROTOCOL = new Protocol("charge", "Charge", List.of(ChargePart.PART), MIX,
            List.of(TIGHT, DEEP_CHAIN, MANY_CPUS), MUTANTS, "charge.md");
}
