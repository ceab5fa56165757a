package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import memcgspec.impl.StepRefused;
import memcgspec.impl.Touches;
import memcgspec.props.Call;
import memcgspec.registry.Protocols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The census' sums over its rows (folios owned per memcg and by kind, referenced folios; kmem
 * pages per objcg and per objcg and charged-at memcg, allocated kmem pages), kept across the steps
 * of a run by {@link Census#refresh} from the rows of the frames each step wrote, equal those of
 * a whole census taken after every step, on every setup of every protocol. On the kmem setups the
 * runs also repoint objcgs that name kmem pages (reparenting, which writes no page): the sums are
 * keyed by objcg, so they stay exact.
 */
class CensusRowSumsTest {

    static Stream<Arguments> setups() {
        return Protocols.ALL.stream().flatMap(p -> p.setups().stream().map(s -> Arguments.of(p, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void keptRowSumsEqualAWholeCensusAfterEveryStep(Protocol p, Protocol.Setup setup) {
        ProtocolWorkload w = new ProtocolWorkload(p, setup);
        int reparented = 0, steps = 0;
        for (int run = 0; run < 4; run++) {
            Machine m = w.create();
            Random r = new Random(77 + run);
            Touches touches = m.mm().track();
            Census kept = new Census(m);
            for (int k = 0; k < 400; k++) {
                Call<Machine> step = w.randomStep(m, r);
                try {
                    step.apply(m);
                } catch (StepRefused refused) {
                    // a refusal changes nothing
                }
                kept.refresh(touches);
                touches.clear();
                assertSameSums(new Census(m), kept, p + " " + setup.name() + " run " + run + " after step " + (k + 1) + " " + step.label());
                steps++;
                for (int o = 1; o < kept.kpagesOf.length; o++) {
                    if (kept.kpagesOf[o] > 0 && m.mm().objcg(o).memcg() != m.mm().memcg(o)) reparented++;
                }
            }
        }
        assertEquals(4 * 400, steps);
        if (setup.mm().kmemPages() > 0) assertTrue(reparented > 0, "no objcg naming kmem pages was ever repointed: the runs do not reparent");
    }

    private static void assertSameSums(Census whole, Census kept, String where) {
        assertArrayEquals(whole.ownedFolios, kept.ownedFolios, "ownedFolios " + where);
        assertArrayEquals(whole.ownedAnon, kept.ownedAnon, "ownedAnon " + where);
        assertArrayEquals(whole.ownedFile, kept.ownedFile, "ownedFile " + where);
        assertArrayEquals(whole.ownedFileMapped, kept.ownedFileMapped, "ownedFileMapped " + where);
        assertEquals(whole.referencedFolios(), kept.referencedFolios(), "referencedFolios " + where);
        assertArrayEquals(whole.kpagesOf, kept.kpagesOf, "kpagesOf " + where);
        for (int o = 0; o < whole.kpagesAt.length; o++) assertArrayEquals(whole.kpagesAt[o], kept.kpagesAt[o], "kpagesAt[" + o + "] " + where);
        assertEquals(whole.allocatedKpages(), kept.allocatedKpages(), "allocatedKpages " + where);
    }

    /** A census that misses a write (its log lost) keeps stale sums: the test above would see it. */
    @org.junit.jupiter.api.Test
    void aMissedWriteLeavesTheSumsStale() {
        Protocol p = Protocols.byName("kmem").orElseThrow();
        ProtocolWorkload w = new ProtocolWorkload(p, p.setups().get(0));
        Machine m = w.create();
        Touches touches = m.mm().track();
        Census kept = new Census(m);
        m.mm().track(); // the census' log no longer sees writes
        Random r = new Random(5);
        for (int k = 0; k < 200; k++) {
            try {
                w.randomStep(m, r).apply(m);
            } catch (StepRefused refused) {
                // nothing changed
            }
        }
        kept.refresh(touches);
        Census whole = new Census(m);
        assertNotEquals(whole.allocatedKpages(), kept.allocatedKpages(), "200 random kmem steps allocated no kmem page?");
        assertTrue(!java.util.Arrays.equals(whole.kpagesOf, kept.kpagesOf) || !java.util.Arrays.equals(whole.ownedFolios, kept.ownedFolios));
    }
}
