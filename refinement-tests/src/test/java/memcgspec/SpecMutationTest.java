package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import memcgspec.tla.Expectation;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants and the refinements of Charge.tla and Swap.tla have teeth: each mutant below
 * reintroduces a plausible protocol bug into a copy of one spec, and TLC must report the named
 * invariant (or the refinement property) violated. A mutant that still "holds" means a check that
 * cannot fail.
 */
class SpecMutationTest {

    @TempDir
    static Path tmp;

    record Mutant(String module, String name, String from, String to, String check, String violated) {
        Mutant(String name, String from, String to, String check, String violated) {
            this("Charge", name, from, to, check, violated);
        }
    }

    static final Mutant[] MUTANTS = {
        // The 2009 protocol: uncharge at unmap when the last mapping goes; the final put uncharges again.
        new Mutant("uncharge-at-unmap",
                "    /\\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n    /\\ held' = [held EXCEPT ![c] = p]\n    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache, usage>>",
                "    /\\ mapcount' = [mapcount EXCEPT ![p] = @ - 1]\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]\n    /\\ held' = [held EXCEPT ![c] = p]\n    /\\ usage' = IF mapcount[p] = 1 /\\ owner[p] /= NoMemcg THEN PC!Uncharge(usage, owner[p], 1) ELSE usage\n    /\\ UNCHANGED <<chargeTo, index, refcount, owner, locked, cache>>",
                "INVARIANT Conservation", "Conservation"),
        // A cancel that forgets to give the charge back: the reservation leaks.
        new Mutant("cancel-leaks",
                "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                "    /\\ usage' = usage\n    /\\ pc' = [pc EXCEPT ![c] = \"put\"]",
                "INVARIANT NoLeakAtQuiescence", "NoLeakAtQuiescence"),
        // try_charge that ignores max (a forced charge everywhere).
        new Mutant("charge-ignores-max",
                "    /\\ IF PC!CanCharge(usage, chargeTo[c], 1)",
                "    /\\ IF TRUE",
                "INVARIANT WithinLimit", "WithinLimit"),
        // The final put forgets to clear the owner: a freed page keeps its memcg.
        new Mutant("free-keeps-owner",
                "          /\\ owner' = [owner EXCEPT ![p] = NoMemcg]\n          /\\ refcount' = [refcount EXCEPT ![p] = 0]",
                "          /\\ owner' = owner\n          /\\ refcount' = [refcount EXCEPT ![p] = 0]",
                "INVARIANT OwnedPagesLive", "OwnedPagesLive"),
        // A commit that also uncharges: invisible to no invariant listed here, caught by the refinement.
        new Mutant("commit-uncharges",
                "    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache, usage>>",
                "    /\\ usage' = PC!Uncharge(usage, chargeTo[c], 1)\n    /\\ UNCHANGED <<held, index, refcount, mapcount, locked, cache>>",
                "PROPERTY Refinement", "Refinement"),

        // --- Swap.tla ---
        // Without SWAP_HAS_CACHE exclusion (seed 002): a second swap-in of one slot "prepares" too, and
        // its swapcache_free takes the flag from under the first.
        new Mutant("Swap", "no-swap-has-cache",
                "          IF ~hasCache[s] /\\ swapMap[s] > 0",
                "          IF swapMap[s] > 0",
                "INVARIANT SwapinChargeUnderExclusion", "SwapinChargeUnderExclusion"),
        // The slot free forgets mem_cgroup_uncharge_swap's uncharge: the swap/memsw charge leaks.
        new Mutant("Swap", "slot-free-leaks-swap",
                "          /\\ swap' = IF version = 2 /\\ r /= NoMemcg THEN UnchargeRec(swap, r) ELSE swap",
                "          /\\ swap' = swap",
                "INVARIANT NoLeakAtQuiescence", "NoLeakAtQuiescence"),
        // v1 swap-in keeps the slot's record: the page is counted twice in memsw for as long as the slot lives.
        new Mutant("Swap", "swapin-keeps-record",
                "       IN /\\ record' = [record EXCEPT ![s] = NoMemcg]\n          /\\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw",
                "       IN /\\ record' = record\n          /\\ memsw' = memsw",
                "INVARIANT NoDoubleChargeOutsideSwapinWindow", "NoDoubleChargeOutsideSwapinWindow"),
        // try_to_free_swap without its "no pte holds the slot" test: the slot dies under its ptes.
        new Mutant("Swap", "free-swap-cache-of-used-slot",
                "    /\\ ~locked[swapCache[s]]\n    /\\ swapMap[s] = 0\n",
                "    /\\ ~locked[swapCache[s]]\n",
                "INVARIANT SlotFreeOnlyWhenUnused", "SlotFreeOnlyWhenUnused"),
        // mem_cgroup_try_charge_swap that ignores swap.max.
        new Mutant("Swap", "swap-ignores-max",
                "           ok == version = 1 \\/ a = Root \\/ PS!CanCharge(swap, a, 1)",
                "           ok == TRUE",
                "INVARIANT SwapWithinLimit", "SwapWithinLimit"),
        // v1 swap-in clears the record but keeps the slot's memsw charge: caught by the refinement
        // (the abstract swap usage must fall with the record).
        new Mutant("Swap", "swapin-unrecord-keeps-memsw",
                "          /\\ memsw' = IF r /= NoMemcg THEN UnchargeRec(memsw, r) ELSE memsw\n    /\\ pc' = [pc EXCEPT ![c] = \"swapin_read\"]",
                "          /\\ memsw' = memsw\n    /\\ pc' = [pc EXCEPT ![c] = \"swapin_read\"]",
                "PROPERTY Refinement", "Refinement"),
    };

    @TestFactory
    Stream<DynamicTest> everyMutantIsCaught() {
        return Stream.of(MUTANTS).map(mu -> DynamicTest.dynamicTest(mu.name(), () -> {
            Path dir = Files.createDirectories(tmp.resolve(mu.name()));
            Path spec = SpecRoot.specDir();
            for (String f : new String[] {"PageCounter.tla", "MemcgAccounting.tla", "Charge.tla", "Swap.tla"}) {
                Files.copy(spec.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            String mod = mu.module();
            String text = Files.readString(spec.resolve(mod + ".tla"));
            assertTrue(text.contains(mu.from()), "mutation point not found in " + mod + ".tla: " + mu.name());
            Files.writeString(dir.resolve(mod + ".tla"), text.replace(mu.from(), mu.to()));
            String cfg = Files.readString(spec.resolve(mod + ".cfg"));
            // Keep the constants and the specification, check only the one invariant or property.
            String head = cfg.substring(0, cfg.indexOf("INVARIANTS"));
            Files.writeString(dir.resolve(mod + ".cfg"), head + mu.check() + "\n");
            CatalogueEntry m = new CatalogueEntry("mutant-" + mu.name(), dir.resolve(mod).toString(), dir.resolve(mod + ".cfg").toString(),
                    Expectation.violates(mu.violated()), CatalogueEntry.NOT_RECORDED, CatalogueEntry.NOT_RECORDED, "ci", "-", "mutant");
            TlcResult r = new TlcRunner().run(m, TlcRunner.Options.defaults().withWorkers(1), l -> {});
            assertTrue(r.outcome() instanceof TlcResult.Outcome.Violates, mu.name() + ": " + r.outcome() + "\n" + r.head(30));
            assertEquals(mu.violated(), ((TlcResult.Outcome.Violates) r.outcome()).name(), mu.name());
        }));
    }
}
