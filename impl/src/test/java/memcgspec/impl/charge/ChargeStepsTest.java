package memcgspec.impl.charge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
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
        mm.memcgs().forEach(m -> {
            s.append(m.memory()).append(' ');
            for (MemCgroup.Stat item : MemCgroup.Stat.values()) s.append(item.spec()).append('=').append(m.stat(item)).append(' ');
        });
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

    @Test
    void statisticsFollowCommitMappingAndTheFinalPut() {
        Mm big = new Mm(new Mm.Config(2, 3, 1, 2, 2, 5));  // root -> {1, 2}, roomy limits
        ChargeSteps x = ChargeSteps.of(big.cpu(0)), y = ChargeSteps.of(big.cpu(1));
        MemCgroup m1 = big.memcg(1), m2 = big.memcg(2);
        Folio anon = big.folio(0), file = big.folio(1);
        // Anonymous fault: PageAnon and the anon statistic at the commit, nothing more at the pte.
        x.AllocAnon(anon, m1);
        assertTrue(x.TryCharge());
        assertFalse(anon.anon());
        x.CommitCharge();
        assertTrue(anon.anon(), "page_add_new_anon_rmap before commit_charge");
        assertEquals(1, m1.stat(MemCgroup.Stat.ANON));
        x.MapAnon();
        assertEquals(1, m1.stat(MemCgroup.Stat.ANON));
        assertEquals(0, m1.stat(MemCgroup.Stat.FILE_MAPPED), "an anonymous mapping is no file_mapped");
        // Page-cache insertion: the file statistic at the commit.
        y.AllocCache(file, m2, 0);
        assertTrue(y.TryCharge());
        assertTrue(y.AddToCache());
        y.CommitCharge();
        assertFalse(file.anon());
        assertEquals(1, m2.stat(MemCgroup.Stat.FILE));
        y.UnlockPage();
        y.PutPage();
        // file_mapped: the first mapping adds, further ones do not; the last unmapping subtracts.
        x.Map(file);
        assertEquals(1, m2.stat(MemCgroup.Stat.FILE_MAPPED));
        y.Map(file);
        assertEquals(1, m2.stat(MemCgroup.Stat.FILE_MAPPED));
        x.Unmap(file);
        x.PutPage();
        assertEquals(1, m2.stat(MemCgroup.Stat.FILE_MAPPED));
        y.Unmap(file);
        y.PutPage();
        assertEquals(0, m2.stat(MemCgroup.Stat.FILE_MAPPED));
        // The final puts take the folios out of anon and file, and clear PageAnon.
        x.Unmap(anon);
        x.Uncharge();
        assertEquals(0, m1.stat(MemCgroup.Stat.ANON));
        assertFalse(anon.anon(), "a freed folio is not anonymous");
        y.DeleteFromCache(0);
        y.Uncharge();
        assertEquals(0, m2.stat(MemCgroup.Stat.FILE));
        for (MemCgroup m : big.memcgs()) {
            for (MemCgroup.Stat item : MemCgroup.Stat.values()) assertEquals(0, m.stat(item), m + " " + item.spec());
        }
    }

    @Test
    void aCancelledAnonymousFaultCountsNothing() {
        Folio f = mm.folio(0);
        a.AllocAnon(f, mm.memcg(1));
        assertTrue(a.TryCharge());
        a.CancelCharge();
        a.Uncharge();
        assertFalse(f.anon());
        for (MemCgroup m : mm.memcgs()) {
            for (MemCgroup.Stat item : MemCgroup.Stat.values()) assertEquals(0, m.stat(item), m + " " + item.spec());
        }
    }
}
