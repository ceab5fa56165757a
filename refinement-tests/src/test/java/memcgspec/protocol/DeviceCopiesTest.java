package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCache;
import memcgspec.impl.StepRefused;
import memcgspec.impl.SwapDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SwapDevice#slots()} and {@link PageCache#entries()} copy the slots and the page cache
 * again only after a counted write, and hand the same copy out until then: on every setup of
 * every protocol, after every random step and on a {@link Mm#copy()}, the copy equals every slot
 * and index read afresh (one locked read each), an older copy keeps what it had, and a step that
 * wrote neither gets the same copy. The slots and the page cache do change during the runs (on
 * the protocols that use them), so a copy that missed a write would be caught here.
 */
class DeviceCopiesTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("memcgspec.protocol.CensusRowSumsTest#setups")
    void theCopiesEqualTheDeviceAfterEveryStep(Protocol p, Protocol.Setup setup) {
        ProtocolWorkload w = new ProtocolWorkload(p, setup);
        int slotChanges = 0, cacheChanges = 0, sameCopies = 0;
        for (int run = 0; run < 2; run++) {
            Machine m = w.create();
            Random r = new Random(31 * run + setup.name().hashCode());
            SwapDevice.Slots lastSlots = m.mm().swap().slots();
            Folio[] lastEntries = m.mm().cache().entries();
            Object[] lastSlotsFresh = fresh(m.mm().swap()), lastEntriesFresh = fresh(m.mm().cache());
            for (int k = 0; k < 400; k++) {
                try {
                    w.randomStep(m, r).apply(m);
                } catch (StepRefused refused) {
                    // nothing changed
                }
                String where = p.name() + " " + setup.name() + " run " + run + " step " + (k + 1);
                SwapDevice.Slots slots = m.mm().swap().slots();
                Folio[] entries = m.mm().cache().entries();
                Object[] slotsFresh = fresh(m.mm().swap()), entriesFresh = fresh(m.mm().cache());
                assertArrayEquals(slotsFresh, asFields(slots), "slots, " + where);
                assertArrayEquals(entriesFresh, entries, "page cache, " + where);
                assertArrayEquals(lastSlotsFresh, asFields(lastSlots), "an older slots copy, " + where);
                assertArrayEquals(lastEntriesFresh, lastEntries, "an older page-cache copy, " + where);
                assertSame(slots, m.mm().swap().slots(), "asked twice, " + where);
                assertSame(entries, m.mm().cache().entries(), "asked twice, " + where);
                assertEquals(slots.equals(lastSlots), java.util.Arrays.deepEquals(slotsFresh, lastSlotsFresh), "Slots.equals, " + where);
                if (!java.util.Arrays.deepEquals(slotsFresh, lastSlotsFresh)) slotChanges++;
                if (!java.util.Arrays.equals(entriesFresh, lastEntriesFresh)) cacheChanges++;
                if (slots == lastSlots) sameCopies++;
                lastSlots = slots;
                lastEntries = entries;
                lastSlotsFresh = slotsFresh;
                lastEntriesFresh = entriesFresh;
                if (k % 100 == 99) {
                    Mm copy = m.mm().copy();
                    assertArrayEquals(fresh(copy.swap()), asFields(copy.swap().slots()), "a copy of the machine's slots, " + where);
                    assertArrayEquals(fresh(copy.cache()), copy.cache().entries(), "a copy of the machine's page cache, " + where);
                }
            }
        }
        assertTrue(sameCopies > 0, "no step kept the slots' copy: the shortcut is never taken");
        int slots = setup.mm().swapSlots();
        if (slots > 0 && p.actions().actions().containsKey("SwapOut")) assertTrue(slotChanges > 0, "the slots never changed: a copy that misses writes would go unseen");
        if (setup.mm().indexes() > 0 && p.actions().actions().containsKey("AddToCache")) assertTrue(cacheChanges > 0, "the page cache never changed");
    }

    /** A copy's fields as one array per field, folios and memcgs by identity (as Slots.equals compares them). */
    private static Object[] asFields(SwapDevice.Slots s) {
        return new Object[] {s.allocated().clone(), s.count().clone(), s.hasCache().clone(), s.cached().clone(), s.record().clone()};
    }

    /** Every slot's fields read afresh, one locked read per field and slot. */
    private static Object[] fresh(SwapDevice d) {
        int n = d.size();
        boolean[] allocated = new boolean[n], hasCache = new boolean[n];
        int[] count = new int[n];
        Folio[] cached = new Folio[n];
        MemCgroup[] record = new MemCgroup[n];
        for (int s = 0; s < n; s++) {
            allocated[s] = d.allocated(s);
            count[s] = d.count(s);
            hasCache[s] = d.hasCache(s);
            cached[s] = d.cached(s);
            record[s] = d.record(s);
        }
        return new Object[] {allocated, count, hasCache, cached, record};
    }

    /** Every index's folio read afresh, one locked lookup each. */
    private static Folio[] fresh(PageCache c) {
        Folio[] f = new Folio[c.size()];
        for (int i = 0; i < f.length; i++) f[i] = c.lookup(i);
        return f;
    }

    @org.junit.jupiter.api.Test
    void slotsCopiesAreEqualByTheirFields() {
        Mm mm = new Mm(new Mm.Config(2, 8, 2, 2, 1, 10).withSwap(4, 2, 1));
        SwapDevice d = mm.swap();
        SwapDevice.Slots before = d.slots();
        d.locked(() -> d.setCount(1, 0)); // a write of the value it had: a new copy, equal
        SwapDevice.Slots after = d.slots();
        assertTrue(before != after, "a write makes a new copy");
        assertEquals(before, after);
        d.locked(() -> d.setCount(1, 2));
        assertNotEquals(before, d.slots());
        d.locked(() -> d.setCached(3, mm.folio(5)));
        assertSame(mm.folio(5), d.slots().cached()[3]);
        assertNotEquals(mm.copy().swap().slots(), d.slots(), "another machine's folio is another folio");
    }
}
