package memcgspec.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import memcgspec.impl.charge.ChargeSteps;
import memcgspec.impl.kmem.KmemSteps;
import memcgspec.impl.swap.SwapSteps;
import org.junit.jupiter.api.Test;

/**
 * {@link Cpu#part(int, Class, java.util.function.Function)} finds a part by its class's key: the
 * same object the scan by class finds, on every CPU, whatever order the parts were made in, and,
 * on a {@link Mm#copy()}, the copy's own parts (not the original's: the keys are set again when the
 * parts are replaced).
 */
class CpuPartKeyTest {

    @Test
    void theKeyFindsThePartTheScanFinds() {
        Mm mm = new Mm(new Mm.Config(3, 8, 2, 2, 1, 10).withSwap(4, 2, 1));
        Cpu a = mm.cpu(0), b = mm.cpu(1), c = mm.cpu(2);
        // parts made in different orders on different CPUs
        SwapSteps sa = SwapSteps.of(a);
        ChargeSteps ca = ChargeSteps.of(a);
        ChargeSteps cb = ChargeSteps.of(b);
        KmemSteps kb = KmemSteps.of(b);
        SwapSteps sb = SwapSteps.of(b);
        for (Cpu cpu : new Cpu[] {a, b, c}) {
            SwapSteps s = SwapSteps.of(cpu);
            ChargeSteps ch = ChargeSteps.of(cpu);
            KmemSteps k = KmemSteps.of(cpu);
            assertSame(scan(cpu, SwapSteps.class), s);
            assertSame(scan(cpu, ChargeSteps.class), ch);
            assertSame(scan(cpu, KmemSteps.class), k);
            assertSame(SwapSteps.of(cpu), SwapSteps.of(cpu));
        }
        assertSame(sa, SwapSteps.of(a));
        assertSame(ca, ChargeSteps.of(a));
        assertSame(cb, ChargeSteps.of(b));
        assertSame(kb, KmemSteps.of(b));
        assertSame(sb, SwapSteps.of(b));
        assertNotSame(sa, sb);
        assertNotEquals(Cpu.partKey(SwapSteps.class), Cpu.partKey(ChargeSteps.class));
        assertEquals(Cpu.partKey(SwapSteps.class), Cpu.partKey(SwapSteps.class));
    }

    @Test
    void aCopysPartsAreItsOwn() {
        Mm mm = new Mm(new Mm.Config(2, 8, 2, 2, 1, 10).withSwap(4, 2, 1));
        SwapSteps.of(mm.cpu(0));
        ChargeSteps.of(mm.cpu(0));
        Mm copy = mm.copy();
        Cpu c0 = copy.cpu(0);
        assertSame(scan(c0, SwapSteps.class), SwapSteps.of(c0));
        assertSame(scan(c0, ChargeSteps.class), ChargeSteps.of(c0));
        assertNotSame(SwapSteps.of(mm.cpu(0)), SwapSteps.of(c0));
        // a CPU that had parts before it was copied into: the copied ones replace them, by key too
        Mm other = new Mm(new Mm.Config(2, 8, 2, 2, 1, 10).withSwap(4, 2, 1));
        SwapSteps old = SwapSteps.of(other.cpu(0));
        other.cpu(0).copyFrom(mm.cpu(0));
        assertNotSame(old, SwapSteps.of(other.cpu(0)));
        assertSame(scan(other.cpu(0), SwapSteps.class), SwapSteps.of(other.cpu(0)));
    }

    /** The part found by scanning the CPU's parts by class (it must exist). */
    private static <T extends CpuPart> T scan(Cpu cpu, Class<T> type) {
        return cpu.part(type, c -> {
            throw new AssertionError("no " + type.getSimpleName() + " on " + c);
        });
    }
}
