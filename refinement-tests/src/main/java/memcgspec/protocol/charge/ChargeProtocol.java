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

    /**
     * Plausible bugs re-introduced into Charge.tla, each with the check that must catch it: one
     * mutant for each property of Charge.cfg (the lemmas are implied by them), the refinement
     * twice. docs/charge.md lists every check each one violates.
     */
    static final List<Protocol.Mutant> MUTANTS = List.of(
            // The 2009 protocol (before 0a31bc97c80c): Unmap of an anonymous page at its last mapping
            // uncharges it, clears its owner and takes it out of its memcg's anon statistic. Every state
            // invariant still holds (the page is no longer in use, the books balance); only the
            // refinement sees it: a charge leaves a page that is still alive (the unmapping CPU holds it).
            new Protocol.Mutant("Charge", "uncharge-at-unmap",
                    "    /\\ stat' = IF ~anon[p] /\\ mapcount[p] = 1 THEN ModStat(stat, owner[p], \"file_mapped\", -1) ELSE stat\n    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage>>",
                    "    /\\ stat' = IF mapcount[p] = 1 THEN ModStat(stat, owner[p], IF anon[p] THEN \"anon\" ELSE \"file_mapped\", -1) ELSE stat\n    /\\ usage' = IF anon[p] /\\ mapcount[p] = 1 /\\ owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage\n    /\\ owner' = IF anon[p] /\\ mapcount[p] = 1 THEN [owner EXCEPT ![p] = NoMemcg] ELSE owner\n    /\\ UNCHANGED <<chargeTo, index, refcount, locked, anon, cache>>",
                    "PROPERTY Refinement", "Refinement"),
            // A cancel that forgets to give the charge back: the reservation leaks.
            new Protocol.Mutant("Charge", "cancel-leaks",
                    "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                    "    /\\ usage' = usage\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                    "INVARIANT Conservation", "Conservation"),
            // try_charge that ignores max (a forced charge everywhere).
            new Protocol.Mutant("Charge", "charge-ignores-max",
                    "    /\\ IF PC!CanCharge(usage, chargeTo[c], 1)",
                    "    /\\ IF TRUE",
                    "INVARIANT WithinLimit", "WithinLimit"),
            // The final put forgets to clear the owner: a freed page keeps its memcg.
            new Protocol.Mutant("Charge", "free-keeps-owner",
                    "          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n          /\\ anon' = [anon EXCEPT ![p] = FALSE]",
                    "          /\\ owner' = owner\n          /\\ anon' = [anon EXCEPT ![p] = FALSE]",
                    "INVARIANT OwnedPagesLive", "OwnedPagesLive"),
            // A commit that also uncharges: Conservation sees the owned page uncounted; named here for the
            // refinement (a commit is Own, which changes no counter).
            new Protocol.Mutant("Charge", "commit-uncharges",
                    "    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>",
                    "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache>>",
                    "PROPERTY Refinement", "Refinement"),
            // A fault that maps a locked cache page (filemap_map_pages not skipping it): a page whose charge is
            // not yet committed is mapped, and its first mapping skips file_mapped (seed 003's remap).
            new Protocol.Mutant("Charge", "map-locked-page",
                    "    /\\ mapcount[p] > 0 \\/ (InCache(p) /\\ ~locked[p])\n    /\\ mapcount[p] < MaxMap",
                    "    /\\ mapcount[p] > 0 \\/ InCache(p)\n    /\\ mapcount[p] < MaxMap",
                    "INVARIANT InUseIsCharged", "InUseIsCharged"),
            // The final put uncharges but forgets uncharge_batch's statistics: anon or file stays counted.
            new Protocol.Mutant("Charge", "uncharge-keeps-stats",
                    "          /\\ stat' = ModStat(stat, owner[p], IF anon[p] THEN \"anon\" ELSE \"file\", -1)",
                    "          /\\ stat' = stat",
                    "INVARIANT StatsMatch", "StatsMatch"),
            // The anonymous fault takes a page that is not free: its charging path starts on an owned page.
            new Protocol.Mutant("Charge", "alloc-page-in-use",
                    "AllocAnon(c, p, m) ==\n    /\\ pc[c] = \"idle\"\n    /\\ refcount[p] = 0\n",
                    "AllocAnon(c, p, m) ==\n    /\\ pc[c] = \"idle\"\n",
                    "INVARIANT PendingPageUnowned", "PendingPageUnowned"),
            // zap_pte_range drops the mapping's reference itself, and the batch drops it again.
            new Protocol.Mutant("Charge", "unmap-drops-reference",
                    "    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, anon, cache, usage>>",
                    "    /\\ refcount' = [refcount EXCEPT ![p] = @ - 1]\n    /\\ UNCHANGED <<chargeTo, index, owner, locked, anon, cache, usage>>",
                    "INVARIANT RefcountBalance", "RefcountBalance"),
            // The insertion forgets __SetPageLocked: the page it charges is unlocked, so truncation, faults
            // and a second charge could reach it (and it is findable uncharged once in the cache).
            new Protocol.Mutant("Charge", "insert-unlocked-page",
                    "    /\\ locked' = [locked EXCEPT ![p] = TRUE]\n    /\\ UNCHANGED <<mapcount, owner, anon, cache, usage, stat>>",
                    "    /\\ UNCHANGED <<mapcount, owner, locked, anon, cache, usage, stat>>",
                    "INVARIANT ChargeUnderExclusion", "ChargeUnderExclusion")
    );

    public static final Protocol PROTOCOL = new Protocol("charge", "Charge", List.of(ChargePart.PART), MIX,
            List.of(TIGHT, DEEP_CHAIN, MANY_CPUS), MUTANTS, "charge.md");
}
