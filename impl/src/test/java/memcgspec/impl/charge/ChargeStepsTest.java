package memcgspec.impl.charge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import memcgspec.impl.Folio;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import org.junit.jupiter.api.Test;

/** The step discipline on a small machine: paths step by step, refusals that change nothing. */
class ChargeStepsTest {
    // 2 CPUs, 3 folios, 1 cache index, root -> 1 -> 2, limit 1.
    private final Mm mm = new Mm(new Mm.Config(2, 3, 1, 2, 1, 1));
    private final ChargeSteps a = ChargeSteps.of(mm.cpu(0)), b = ChargeSteps.of(mm.cpu(1));

    private String state() {
        StringBuilder s = new StringBuilder();
        mm.cpus().forEach(c -> s.append(c).append(' '));
        mm.folios().forEach(f -> s.append(f).append(f.isFree() ? "free " : " "));
        mm.memcgs().forEach(m -> s.append(m.memory()).append(' '));
        s.append(mm.cache().lookup(0));
        return s.toString();
    }

    private void assertRefused(Runnable step) {
        String before = state();
        assertThrows(StepRefused.class, step::run);
        assertEquals(before, state(), "a refused step changes nothing");
    }

    @Test
    void anonymousFaultChargesCommitsMapsAndTheFinalPutUncharges() {
        Folio f = mm.folio(0);
        a.AllocAnon(f, mm.memcg(2));
        assertTrue(a.TryCharge());
        assertEquals(1, mm.memcg(2).memory().usage());
        a.CommitCharge();
        assertSame(mm.memcg(2), f.memcg());
        a.MapAnon();
        assertEquals(1, f.mapcount());
        b.Unmap(f);
        assertEquals(1, mm.memcg(2).memory().usage(), "nothing uncharges at unmap");
        assertRefused(b::PutPage);
        b.Uncharge();
        assertNull(f.memcg());
        assertEquals(0, mm.memcg(1).memory().usage());
        assertTrue(f.isFree());
    }

    @Test
    void aChargeOverAnAncestorsLimitFailsCleanly() {
        a.AllocAnon(mm.folio(0), mm.memcg(1));
        assertTrue(a.TryCharge());
        b.AllocAnon(mm.folio(1), mm.memcg(2));
        assertFalse(b.TryCharge(), "memcg 1 is full: the charge to its child fails at it");
        assertEquals(0, mm.memcg(2).memory().usage());
        assertEquals(1, mm.memcg(1).memory().failcnt());
        assertEquals(Pc.PUT, b.cpu().pc());
        assertRefused(b::CommitCharge);
        assertRefused(b::CancelCharge);
        b.Uncharge();
        assertTrue(mm.folio(1).isFree());
    }

    @Test
    void forbiddenStepsAreRefused() {
        Folio f = mm.folio(0);
        assertRefused(a::TryCharge);
        assertRefused(() -> a.AllocAnon(f, mm.root()));
        a.AllocAnon(f, mm.memcg(1));
        assertRefused(() -> b.AllocAnon(f, mm.memcg(1)));
        assertRefused(a::CommitCharge);
        assertTrue(a.TryCharge());
        a.CommitCharge();
        assertRefused(a::CancelCharge);
        assertRefused(a::CommitCharge);
        assertRefused(() -> b.Unmap(f));
        b.GetPage(f);
        assertRefused(b::Uncharge);
    }

    @Test
    void cacheInsertionLosingTheRaceCancelsItsCharge() {
        Folio f = mm.folio(0), g = mm.folio(1);
        // Two readers miss index 0 and each allocate a locked folio for it, in memcgs 1 and 2.
        a.AllocCache(f, mm.memcg(1), 0);
        b.AllocCache(g, mm.memcg(2), 0);
        assertTrue(a.TryCharge());
        assertRefused(a::CommitCharge);
        assertRefused(a::CancelCharge);
        assertTrue(a.AddToCache());
        assertEquals(ChargePc.CACHE_INSERTED, a.cpu().pc());
        assertTrue(f.locked());
        assertRefused(() -> b.DeleteFromCache(0));
        a.CommitCharge();
        assertSame(mm.memcg(1), f.memcg());
        a.UnlockPage();
        a.PutPage();
        // Memcg 1 is full (limit 1), so b's charge to its child fails: nothing to cancel.
        assertFalse(b.TryCharge());
        assertRefused(b::CancelCharge);
        b.Uncharge();
        assertEquals(1, mm.memcg(1).memory().usage());
        b.DeleteFromCache(0);
        b.Uncharge();
        assertEquals(0, mm.root().memory().usage());
    }

    @Test
    void theCommitOfAnOwnedFolioIsRefused() {
        // Not reachable through the protocol (PendingPageUnowned): forge the state through the hooks.
        Folio f = mm.folio(0);
        a.AllocAnon(f, mm.memcg(2));
        assertTrue(a.TryCharge());
        assertTrue(Memcontrol.commitCharge(f, mm.memcg(1)));
        assertRefused(a::CommitCharge);
        assertSame(mm.memcg(1), f.memcg(), "the owner was not overwritten");
    }

    @Test
    void eexistAfterTheChargeIsCancelled() {
        Mm big = new Mm(new Mm.Config(2, 3, 1, 2, 2, 5));  // root -> {1, 2}, roomy limits
        ChargeSteps x = ChargeSteps.of(big.cpu(0)), y = ChargeSteps.of(big.cpu(1));
        x.AllocCache(big.folio(0), big.memcg(1), 0);
        y.AllocCache(big.folio(1), big.memcg(2), 0);
        assertTrue(x.TryCharge());
        assertTrue(y.TryCharge());
        assertTrue(x.AddToCache());
        assertFalse(y.AddToCache(), "-EEXIST: the index was filled since y's lookup");
        assertEquals(ChargePc.CACHE_EEXIST, y.cpu().pc());
        assertEquals(1, big.memcg(2).memory().usage(), "y's charge is still pending");
        y.CancelCharge();
        assertEquals(0, big.memcg(2).memory().usage());
        assertFalse(big.folio(1).locked());
        y.Uncharge();
        assertTrue(big.folio(1).isFree());
        assertNull(big.folio(1).memcg());
    }
}
