package memcgspec.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** page_counter semantics, sequentially: see PageCounterLincheckTest for the concurrent ones. */
class PageCounterTest {
    private final PageCounter root = new PageCounter("root", null, PageCounter.UNLIMITED);
    private final PageCounter parent = new PageCounter("parent", root, 3);
    private final PageCounter child = new PageCounter("child", parent, 2);

    @Test
    void chargeWalksLeafToRoot() {
        assertNull(child.tryCharge(2));
        assertEquals(2, child.usage());
        assertEquals(2, parent.usage());
        assertEquals(2, root.usage());
    }

    @Test
    void failsAtTheFirstLevelWithoutRoomAndChangesNothing() {
        assertNull(parent.tryCharge(2));
        // A charge of 2 to the child fits the child (0 + 2 <= 2) but not the parent (2 + 2 > 3).
        assertSame(parent, child.tryCharge(2));
        assertEquals(0, child.usage(), "the child's speculative charge was backed out");
        assertEquals(2, parent.usage());
        assertEquals(2, root.usage());
        assertEquals(1, parent.failcnt());
        assertEquals(0, child.failcnt());
        assertSame(child, child.tryCharge(3), "over the child's own max: fails at the child");
        assertEquals(0, child.usage());
        assertEquals(2, parent.usage());
    }

    @Test
    void forcedChargeIgnoresMaxAndUnchargeUndoesIt() {
        child.charge(5);
        assertEquals(5, child.usage());
        assertEquals(5, parent.usage());
        child.uncharge(5);
        assertEquals(0, child.usage());
        assertEquals(0, root.usage());
        assertEquals(0, child.underflows());
    }

    @Test
    void underflowIsClampedAndCountedLikeTheKernelsWarning() {
        child.uncharge(1);
        assertEquals(0, child.usage());
        assertEquals(1, child.underflows());
        assertEquals(1, root.underflows());
    }
}
